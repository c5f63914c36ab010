// DigitApi on Azure Container Apps: container registry, Log Analytics, Container Apps environment,
// managed identities and the app. One template for the first setup and for every release:
//   imageTag empty      -> infrastructure only (first run, before the registry holds an image)
//   manageAccess false  -> no role assignments (how CI deploys: it needs no rights to grant rights)
// Commands: deploy/README.md.
targetScope = 'resourceGroup'

import { secretSetting } from 'modules/types.bicep'

@description('Azure region; the resource group\'s by default.')
param location string = resourceGroup().location

@description('Base name: the container app, and the prefix of the other resources.')
@minLength(2)
@maxLength(24)
param appName string = 'digitapi'

@description('Container registry name: globally unique, 5-50 letters and digits.')
@minLength(5)
@maxLength(50)
param registryName string = '${replace(appName, '-', '')}${uniqueString(resourceGroup().id)}'

@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param registrySku string = 'Basic'

@description('Image repository in the registry.')
param imageRepository string = 'digitapi'

@description('Image tag to run (CI pushes one per commit SHA). Empty: deploy the infrastructure without the app.')
param imageTag string = ''

@description('Revision suffix (lowercase letters, digits and hyphens); empty lets Container Apps choose one.')
@maxLength(40)
param revisionSuffix string = ''

@description('Create role assignments and the GitHub deployment identity. Needs Owner or User Access Administrator.')
param manageAccess bool = true

@description('GitHub repository (owner/name) whose Actions may deploy via OpenID Connect; empty: no deployment identity.')
param githubRepository string = ''

@description('GitHub environment that the deploy job runs in; part of the federated credential\'s subject.')
param githubEnvironment string = 'production'

@description('vCPU per replica (Consumption: 0.25 to 4.0, with 2 GiB of memory per vCPU).')
@allowed([
  '0.5'
  '1.0'
  '1.5'
  '2.0'
  '4.0'
])
param cpu string = '1.0'

@description('Memory per replica, matching cpu: 0.5 -> 1Gi, 1.0 -> 2Gi, 1.5 -> 3Gi, 2.0 -> 4Gi, 4.0 -> 8Gi.')
param memory string = '2Gi'

@description('Replicas kept running: 1 avoids a cold start (model loading and warm-up) on the first request.')
@minValue(0)
@maxValue(30)
param minReplicas int = 1

@description('Upper bound of the autoscaler.')
@minValue(1)
@maxValue(300)
param maxReplicas int = 10

@description('Concurrent HTTP requests per replica before the autoscaler adds a replica.')
@minValue(1)
param concurrentRequests int = 50

@description('Plain settings, as environment variables (Section__Key).')
param environmentVariables object = {}

@description('Secret settings (API keys...), stored as Container Apps secrets; empty values are left out.')
param secretSettings secretSetting[] = []

@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

param tags object = {
  application: 'digitapi'
}

var deployApp = !empty(imageTag)
var deployGitHubIdentity = manageAccess && !empty(githubRepository)
var contributor = subscriptionResourceId(
  'Microsoft.Authorization/roleDefinitions',
  'b24988ac-6180-42a0-ab88-20f7382dd24c'
)

// The identity the app pulls its image with: no registry passwords anywhere.
resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${appName}'
  location: location
  tags: tags
}

// The identity GitHub Actions signs in as, through OpenID Connect: no long-lived secret in GitHub.
resource deployerIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = if (deployGitHubIdentity) {
  name: 'id-${appName}-github'
  location: location
  tags: tags
}

resource githubFederation 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = if (deployGitHubIdentity) {
  parent: deployerIdentity
  name: 'github-${githubEnvironment}'
  properties: {
    issuer: 'https://token.actions.githubusercontent.com'
    subject: 'repo:${githubRepository}:environment:${githubEnvironment}'
    audiences: [
      'api://AzureADTokenExchange'
    ]
  }
}

// The deployer redeploys this template (manageAccess=false) into this resource group only.
resource deployerContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (deployGitHubIdentity) {
  name: guid(resourceGroup().id, deployerIdentity.id, contributor)
  properties: {
    roleDefinitionId: contributor
    principalId: deployerIdentity!.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    name: registryName
    location: location
    tags: tags
    sku: registrySku
    pullPrincipalIds: manageAccess ? [appIdentity.properties.principalId] : []
    pushPrincipalIds: deployGitHubIdentity ? [deployerIdentity!.properties.principalId] : []
  }
}

module environment 'modules/environment.bicep' = {
  name: 'environment'
  params: {
    name: 'cae-${appName}'
    location: location
    tags: tags
    logRetentionDays: logRetentionDays
  }
}

module app 'modules/container-app.bicep' = if (deployApp) {
  name: 'container-app'
  params: {
    name: appName
    location: location
    tags: tags
    environmentId: environment.outputs.id
    identityId: appIdentity.id
    registryServer: registry.outputs.loginServer
    image: '${registry.outputs.loginServer}/${imageRepository}:${imageTag}'
    revisionSuffix: revisionSuffix
    cpu: cpu
    memory: memory
    minReplicas: minReplicas
    maxReplicas: maxReplicas
    concurrentRequests: concurrentRequests
    environmentVariables: environmentVariables
    secretSettings: secretSettings
  }
}

output registryName string = registry.outputs.name
output registryLoginServer string = registry.outputs.loginServer
output appUrl string = deployApp ? 'https://${app!.outputs.fqdn}' : ''
output latestRevisionName string = deployApp ? app!.outputs.latestRevisionName : ''
@description('AZURE_CLIENT_ID for GitHub Actions (empty when no deployment identity was created).')
output githubClientId string = deployGitHubIdentity ? deployerIdentity!.properties.clientId : ''
