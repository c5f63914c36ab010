// Production settings for main.bicep. Per-release values (imageTag, revisionSuffix, manageAccess) are passed
// on the command line: see deploy/README.md and .github/workflows/deploy.yml.
using 'main.bicep'

param appName = 'digitapi'

// Set in GitHub Actions; export it yourself (owner/name) for the first, access-granting deployment.
param githubRepository = readEnvironmentVariable('GITHUB_REPOSITORY', '')

// 1 vCPU / 2 GiB per replica; one to ten replicas, a new one per 50 concurrent requests.
param cpu = '1.0'
param memory = '2Gi'
param minReplicas = 1
param maxReplicas = 10
param concurrentRequests = 50

// Configuration as environment variables (Section__Key = the app's Section:Key).
param environmentVariables = {
  ASPNETCORE_ENVIRONMENT: 'Production'
  Inference__Provider: 'Cpu'
  Inference__MaxBatchSize: '64'
  Inference__QueueCapacity: '1024'
  Uploads__MaxImageBytes: '10485760'
  // Per-client rate limiting, on for the public endpoint (off by default when run locally).
  RateLimiting__Enabled: 'true'
  RateLimiting__PermitLimit: '100'
  RateLimiting__WindowSeconds: '1'
  // Only the Container Apps ingress can reach the app's port, so its private ranges are the proxies
  // whose X-Forwarded-For is believed; the rate limiter then sees each real client.
  ForwardedHeaders__KnownNetworks__0: '10.0.0.0/8'
  ForwardedHeaders__KnownNetworks__1: '100.64.0.0/10'
  ForwardedHeaders__KnownNetworks__2: '172.16.0.0/12'
}

// Secrets come from the deploying shell's environment (in CI: GitHub secrets), never from this file.
param secretSettings = [
  {
    name: 'ApiKeys__Keys__0'
    value: readEnvironmentVariable('DIGITAPI_API_KEY', '')
  }
]
