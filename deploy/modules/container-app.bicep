// The DigitApi container app: external HTTPS ingress to port 8080, health probes, HTTP-concurrency autoscaling.
import { secretSetting } from 'types.bicep'

param name string

param location string

param tags object

param environmentId string

@description('User-assigned identity the app pulls its image with (it holds AcrPull on the registry).')
param identityId string

param registryServer string

@description('Full image reference: <registry>/<repository>:<tag>.')
param image string

@description('Revision suffix (lowercase letters, digits and hyphens); empty lets Container Apps choose one.')
param revisionSuffix string

@description('vCPU per replica, as a string: 0.5, 1.0, 2.0 ... (Consumption allows up to 4.0 with 2 GiB per vCPU).')
param cpu string

@description('Memory per replica: twice the vCPU count in GiB on Consumption, e.g. 2Gi for 1.0 vCPU.')
param memory string

@minValue(0)
param minReplicas int

@minValue(1)
param maxReplicas int

@description('Concurrent HTTP requests per replica before the autoscaler adds one.')
@minValue(1)
param concurrentRequests int

@description('Plain settings, as environment variables (ASP.NET Core reads Section__Key as Section:Key).')
param environmentVariables object

@description('Settings stored as Container Apps secrets and exposed as environment variables; empty values are left out.')
param secretSettings secretSetting[]

var port = 8080

var presentSecrets = filter(secretSettings, setting => !empty(setting.value))

// Secret names allow lowercase letters, digits and hyphens only: Auth__ApiKey -> auth-apikey.
func secretName(key string) string => replace(replace(toLower(key), '__', '-'), '_', '-')

var plainEnv = [
  for setting in items(environmentVariables): {
    name: setting.key
    value: string(setting.value)
  }
]

var secretEnv = [
  for setting in presentSecrets: {
    name: setting.name
    secretRef: secretName(setting.name)
  }
]

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      // Multiple: earlier revisions stay available, so a rollback is a traffic switch (deploy/README.md).
      activeRevisionsMode: 'Multiple'
      maxInactiveRevisions: 20
      ingress: {
        external: true
        targetPort: port
        transport: 'http'
        allowInsecure: false
        traffic: [
          {
            latestRevision: true
            weight: 100
          }
        ]
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: [
        for setting in presentSecrets: {
          name: secretName(setting.name)
          value: setting.value
        }
      ]
    }
    template: {
      revisionSuffix: empty(revisionSuffix) ? null : revisionSuffix
      containers: [
        {
          name: 'digitapi'
          image: image
          resources: {
            cpu: json(cpu)
            memory: memory
          }
          env: concat(plainEnv, secretEnv)
          probes: [
            {
              // Until the process answers at all; the models load behind it.
              type: 'Startup'
              httpGet: {
                path: '/health/live'
                port: port
              }
              periodSeconds: 2
              timeoutSeconds: 3
              failureThreshold: 30
            }
            {
              // Restart a replica whose process stops answering.
              type: 'Liveness'
              httpGet: {
                path: '/health/live'
                port: port
              }
              periodSeconds: 10
              timeoutSeconds: 3
              failureThreshold: 3
            }
            {
              // Route traffic only once every model is loaded and warmed up.
              type: 'Readiness'
              httpGet: {
                path: '/health/ready'
                port: port
              }
              periodSeconds: 5
              timeoutSeconds: 3
              failureThreshold: 3
              successThreshold: 1
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-concurrency'
            http: {
              metadata: {
                concurrentRequests: string(concurrentRequests)
              }
            }
          }
        ]
      }
    }
  }
}

output fqdn string = app.properties.configuration.ingress.fqdn
output latestRevisionName string = app.properties.latestRevisionName
