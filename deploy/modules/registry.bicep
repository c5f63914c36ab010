// Azure Container Registry with pull and push rights for managed identities (no admin user, no passwords).

@description('Registry name: globally unique, 5-50 letters and digits.')
param name string

param location string

param tags object

@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param sku string

@description('Principal ids (managed identities) that may pull images: the container app.')
param pullPrincipalIds array = []

@description('Principal ids (managed identities) that may push images: the GitHub Actions deployer.')
param pushPrincipalIds array = []

// Built-in role definitions.
var acrPull = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')
var acrPush = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8311e382-0749-4cb8-b61a-304f252e45ec')

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: sku
  }
  properties: {
    adminUserEnabled: false
  }
}

resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in pullPrincipalIds: {
    name: guid(registry.id, principalId, acrPull)
    scope: registry
    properties: {
      roleDefinitionId: acrPull
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource push 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in pushPrincipalIds: {
    name: guid(registry.id, principalId, acrPush)
    scope: registry
    properties: {
      roleDefinitionId: acrPush
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

output name string = registry.name
output loginServer string = registry.properties.loginServer
