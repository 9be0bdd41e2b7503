{{/*
The collector's configuration file (the JSON shape of appsettings.json, docs/configuration.md), built from
`config`. Keys the user left empty are omitted so the binary's defaults apply. Credentials are never part of it:
they come from `secrets.existingSecret` as files or environment variables.
*/}}
{{- define "flowcollector.configJson" -}}
{{- $c := .Values.config }}

{{- $github := dict
  "ApiBaseAddress" $c.github.apiBaseAddress
  "Repositories" $c.github.repositories
  "Interval" (include "flowcollector.timespan" $c.github.interval)
  "Backfill" (include "flowcollector.timespan" $c.github.backfill)
  "Overlap" (include "flowcollector.timespan" $c.github.overlap)
  "BotLogins" $c.github.botLogins
  "PageSize" $c.github.pageSize
  "ReadWorkflowRuns" $c.github.readWorkflowRuns
  "ReadDeployments" $c.github.readDeployments
  "ReadDirectPushes" $c.github.readDirectPushes
  "Api" $c.github.api
  "ReadLinkedIssues" $c.github.readLinkedIssues
  "DeploymentFallback" $c.github.deploymentFallback
  "FallbackEnvironment" $c.github.fallbackEnvironment
  "FallbackWorkflow" $c.github.fallbackWorkflow
  "IncidentLabels" $c.github.incidentLabels }}
{{- with $c.github.rateLimit }}
{{- $_ := set $github "RateLimit" (dict "Reserve" .reserve "MaxWait" (include "flowcollector.timespan" .maxWait) "MaxRetries" .maxRetries "SecondaryBackoff" (include "flowcollector.timespan" .secondaryBackoff)) }}
{{- end }}
{{- /* Every key of an entry is written, so an entry reads the same whatever the binary's defaults become. */}}
{{- with $c.github.organizations }}
{{- $organizations := list }}
{{- range . }}
{{- $organizations = append $organizations (dict
  "Name" .name
  "Include" (.include | default list)
  "Exclude" (.exclude | default list)
  "Topics" (.topics | default list)
  "IncludeArchived" (.includeArchived | default false)
  "IncludeForks" (.includeForks | default false)) }}
{{- end }}
{{- $_ := set $github "Organizations" $organizations }}
{{- end }}
{{- with $c.github.cron }}{{ $_ := set $github "Cron" . }}{{ end }}
{{- with $c.github.resilience }}{{ $_ := set $github "Resilience" . }}{{ end }}
{{- /* The app's id only; its private key comes from the Secret like every credential. */}}
{{- if eq $c.github.authentication "App" }}
{{- $app := dict "InstallationIds" $c.github.app.installationIds }}
{{- with include "flowcollector.appId" . }}{{ $_ := set $app "AppId" . }}{{ end }}
{{- $_ := set $github "App" $app }}
{{- end }}

{{- $ado := $c.azureDevOps }}
{{- $azureDevOps := dict
  "Repositories" $ado.repositories
  "Authentication" $ado.authentication
  "EntraId" (dict "Credential" $ado.entraId.credential)
  "Interval" (include "flowcollector.timespan" $ado.interval)
  "Backfill" (include "flowcollector.timespan" $ado.backfill)
  "Overlap" (include "flowcollector.timespan" $ado.overlap)
  "BotNames" $ado.botNames
  "PageSize" $ado.pageSize
  "MaxConcurrentRequests" $ado.maxConcurrentRequests
  "MaxThrottleWait" (include "flowcollector.timespan" $ado.maxThrottleWait)
  "ReadWorkItems" $ado.readWorkItems
  "ReadBuilds" $ado.readBuilds
  "ReadEnvironmentDeployments" $ado.readEnvironmentDeployments
  "ReadDirectPushes" $ado.readDirectPushes
  "ReadReleases" $ado.readReleases
  "ReadIncidents" $ado.readIncidents
  "IncidentWorkItemType" $ado.incidentWorkItemType
  "IncidentTags" $ado.incidentTags
  "StageEnvironments" $ado.stageEnvironments }}
{{- with $ado.organizationUrl }}{{ $_ := set $azureDevOps "OrganizationUrl" . }}{{ end }}
{{- with $ado.organization }}{{ $_ := set $azureDevOps "Organization" . }}{{ end }}
{{- with $ado.cron }}{{ $_ := set $azureDevOps "Cron" . }}{{ end }}
{{- with $ado.releaseManagementUrl }}{{ $_ := set $azureDevOps "ReleaseManagementUrl" . }}{{ end }}
{{- with $ado.incidentAreaPath }}{{ $_ := set $azureDevOps "IncidentAreaPath" . }}{{ end }}
{{- with $ado.entraId.tenantId }}{{ $_ := set $azureDevOps.EntraId "TenantId" . }}{{ end }}
{{- with $ado.entraId.clientId }}{{ $_ := set $azureDevOps.EntraId "ClientId" . }}{{ end }}
{{- with $ado.resilience }}{{ $_ := set $azureDevOps "Resilience" . }}{{ end }}
{{- with $ado.projects }}
{{- $projects := list }}
{{- range . }}
{{- $projects = append $projects (dict
  "Name" .name
  "Include" (.include | default list)
  "Exclude" (.exclude | default list)
  "IncludeDisabled" (.includeDisabled | default false)) }}
{{- end }}
{{- $_ := set $azureDevOps "Projects" $projects }}
{{- end }}

{{- $stages := list }}
{{- range $c.valueStream.stages }}
{{- $stage := dict "Name" .name "Kind" .kind "Rule" .rule }}
{{- with .environment }}{{ $_ := set $stage "Environment" . }}{{ end }}
{{- $stages = append $stages $stage }}
{{- end }}
{{- $valueStream := dict "CommentsEndPickup" $c.valueStream.commentsEndPickup }}
{{- with $c.valueStream.environments }}{{ $_ := set $valueStream "Environments" . }}{{ end }}
{{- with $c.valueStream.productionEnvironments }}{{ $_ := set $valueStream "ProductionEnvironments" . }}{{ end }}
{{- with $stages }}{{ $_ := set $valueStream "Stages" . }}{{ end }}
{{- with $c.valueStream.teams }}{{ $_ := set $valueStream "Teams" . }}{{ end }}
{{- with $c.valueStream.ciWorkflows }}{{ $_ := set $valueStream "CiWorkflows" . }}{{ end }}
{{- $streams := list }}
{{- range $c.valueStream.streams }}
{{- $stream := dict "Match" .match "Environments" .environments }}
{{- with .productionEnvironments }}{{ $_ := set $stream "ProductionEnvironments" . }}{{ end }}
{{- $streamStages := list }}
{{- range .stages }}
{{- $stage := dict "Name" .name "Kind" .kind "Rule" .rule }}
{{- with .environment }}{{ $_ := set $stage "Environment" . }}{{ end }}
{{- $streamStages = append $streamStages $stage }}
{{- end }}
{{- with $streamStages }}{{ $_ := set $stream "Stages" . }}{{ end }}
{{- $streams = append $streams $stream }}
{{- end }}
{{- with $streams }}{{ $_ := set $valueStream "Streams" . }}{{ end }}
{{- with $c.valueStream.productionPatterns }}{{ $_ := set $valueStream "ProductionPatterns" . }}{{ end }}
{{- with $c.valueStream.ignoreEnvironments }}{{ $_ := set $valueStream "IgnoreEnvironments" . }}{{ end }}
{{- with $c.valueStream.forgetEnvironmentsAfter }}{{ $_ := set $valueStream "ForgetEnvironmentsAfter" (include "flowcollector.timespan" .) }}{{ end }}
{{- /* An empty list is left out: the binary applies its defaults only to a list it did not get ([""] switches a rule off). */}}
{{- $rework := dict }}
{{- with $c.valueStream.rework }}
{{- with .branchPatterns }}{{ $_ := set $rework "BranchPatterns" . }}{{ end }}
{{- with .titlePrefixes }}{{ $_ := set $rework "TitlePrefixes" . }}{{ end }}
{{- with .labels }}{{ $_ := set $rework "Labels" . }}{{ end }}
{{- end }}
{{- with $rework }}{{ $_ := set $valueStream "Rework" . }}{{ end }}

{{- $sinks := dict "File" (dict
  "Path" (printf "%s/points.lp" (trimSuffix "/" .Values.persistence.mountPath))
  "MaxFileBytes" $c.file.maxFileBytes
  "MaxFiles" $c.file.maxFiles) }}
{{- with $c.influxdb.url }}
{{- $influx := dict
  "Url" .
  "ApiVersion" $c.influxdb.apiVersion
  "BatchSize" $c.influxdb.batchSize
  "MaxBatchesInFlight" $c.influxdb.maxBatchesInFlight
  "Timeout" (include "flowcollector.timespan" $c.influxdb.timeout)
  "Gzip" $c.influxdb.gzip }}
{{- if eq $c.influxdb.apiVersion "V2" }}
{{- $_ := set $influx "Org" $c.influxdb.org }}
{{- $_ := set $influx "Bucket" $c.influxdb.bucket }}
{{- else }}
{{- $_ := set $influx "Database" $c.influxdb.database }}
{{- with $c.influxdb.retentionPolicy }}{{ $_ := set $influx "RetentionPolicy" . }}{{ end }}
{{- with $c.influxdb.username }}{{ $_ := set $influx "Username" . }}{{ end }}
{{- end }}
{{- with $c.influxdb.resilience }}{{ $_ := set $influx "Resilience" . }}{{ end }}
{{- $_ := set $sinks "InfluxDb" $influx }}
{{- end }}

{{- $state := dict "SqlitePath" (printf "%s/flowcollector.db" (trimSuffix "/" .Values.persistence.mountPath)) }}
{{- with .Values.state.postgresql }}
{{- if .enabled }}
{{- $_ := set $state "PostgreSql" (dict "CheckinInterval" (include "flowcollector.timespan" .checkinInterval) "CheckinMisfireThreshold" (include "flowcollector.timespan" .checkinMisfireThreshold) "MisfireThreshold" (include "flowcollector.timespan" .misfireThreshold)) }}
{{- end }}
{{- end }}

{{- $root := dict
  "Sources" (dict "GitHub" $github "AzureDevOps" $azureDevOps)
  "ValueStream" $valueStream
  "Sinks" $sinks
  "State" $state
  "Collection" (dict "MaxConcurrentTargets" $c.collection.maxConcurrentTargets "ShutdownGrace" (include "flowcollector.timespan" $c.collection.shutdownGrace) "PendingMaxAge" (include "flowcollector.timespan" $c.collection.pendingMaxAge) "ReconcileInterval" (include "flowcollector.timespan" $c.collection.reconcileInterval) "DiscoveryInterval" (include "flowcollector.timespan" $c.collection.discoveryInterval) "QueueRollupInterval" (include "flowcollector.timespan" $c.collection.queueRollupInterval))
  "Health" (dict "MaxFailureDuration" (include "flowcollector.timespan" $c.health.maxFailureDuration)) }}
{{- with $c.logLevel }}{{ $_ := set $root "Logging" (dict "LogLevel" .) }}{{ end }}
{{- toPrettyJson $root }}
{{- end }}
