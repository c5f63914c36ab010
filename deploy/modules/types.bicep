// Types shared by main.bicep and its modules.

@export()
@description('A setting kept as a Container Apps secret and exposed to the app as an environment variable.')
type secretSetting = {
  @description('Environment variable name (Section__Key).')
  name: string

  @secure()
  value: string
}
