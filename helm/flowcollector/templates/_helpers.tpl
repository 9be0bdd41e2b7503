{{/* The chart name, overridable; 63 characters is the limit of a DNS label. */}}
{{- define "flowcollector.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The full resource name: the release name alone when it already contains the chart name, so "flowcollector" does not become "flowcollector-flowcollector". */}}
{{- define "flowcollector.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Chart name and version for the helm.sh/chart label ("+" is not allowed in label values). */}}
{{- define "flowcollector.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "flowcollector.labels" -}}
helm.sh/chart: {{ include "flowcollector.chart" . }}
{{ include "flowcollector.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: flowcollector
{{- end }}

{{/* Selector labels of the release; immutable on a Deployment, so never add to them after the first release. */}}
{{- define "flowcollector.selectorLabels" -}}
app.kubernetes.io/name: {{ include "flowcollector.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector labels of the collector pods; the component keeps helm test pods out of the Service and the PodDisruptionBudget. */}}
{{- define "flowcollector.collectorSelectorLabels" -}}
{{ include "flowcollector.selectorLabels" . }}
app.kubernetes.io/component: collector
{{- end }}

{{/* The ServiceAccount the pods run as. */}}
{{- define "flowcollector.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "flowcollector.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image reference; a digest pins it. */}}
{{- define "flowcollector.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* Where the ConfigMap's configuration file is mounted and the name the binary reads it by (--config). */}}
{{- define "flowcollector.configDir" -}}/etc/flowcollector{{- end }}
{{- define "flowcollector.configFile" -}}flowcollector.json{{- end }}

{{/* The binary's default folder for mounted secret files (FLOWCOLLECTOR_SECRETS_DIR, ConfigurationSetup.DefaultSecretsDirectory). */}}
{{- define "flowcollector.secretsDir" -}}/var/run/secrets/flowcollector{{- end }}

{{/* The scheme's default port when a URL names none. */}}
{{- define "flowcollector.urlPort" -}}
{{- $url := urlParse . }}
{{- $hostAndPort := splitList ":" $url.host }}
{{- if gt (len $hostAndPort) 1 }}
{{- last $hostAndPort }}
{{- else if eq $url.scheme "https" }}443
{{- else }}80
{{- end }}
{{- end }}

{{/*
The credentials the configuration needs, as JSON {"items": [{"key": <key in existingSecret>, "name": <configuration variable>, "what": <for messages>}]}.
Only needed keys are referenced: a key the Secret lacks stops the pod with a clear event instead of starting a
collector that would fail later.
*/}}
{{- define "flowcollector.secretItems" -}}
{{- $items := list }}
{{- $c := .Values.config }}
{{- if eq $c.github.authentication "App" }}
{{- /* Needed even without repositories: the binary checks a configured App's key at start-up. */}}
{{- $items = append $items (dict "key" .Values.secrets.keys.githubAppPrivateKey "name" "Sources__GitHub__App__PrivateKey" "what" "GitHub App private key" "file" true) }}
{{- else if or $c.github.repositories $c.github.organizations }}
{{- $items = append $items (dict "key" .Values.secrets.keys.githubToken "name" "Sources__GitHub__Token" "what" "GitHub token") }}
{{- end }}
{{- if .Values.state.postgresql.enabled }}
{{- $items = append $items (dict "key" .Values.secrets.keys.postgresqlConnectionString "name" "State__PostgreSql__ConnectionString" "what" "PostgreSQL connection string") }}
{{- end }}
{{- if or $c.azureDevOps.repositories $c.azureDevOps.projects }}
{{- if eq $c.azureDevOps.authentication "Pat" }}
{{- $items = append $items (dict "key" .Values.secrets.keys.azureDevOpsPat "name" "Sources__AzureDevOps__Pat" "what" "Azure DevOps personal access token") }}
{{- else if eq $c.azureDevOps.entraId.credential "ClientSecret" }}
{{- $items = append $items (dict "key" .Values.secrets.keys.azureDevOpsClientSecret "name" "Sources__AzureDevOps__EntraId__ClientSecret" "what" "Entra ID client secret") }}
{{- end }}
{{- end }}
{{- if $c.influxdb.url }}
{{- if or (eq $c.influxdb.apiVersion "V2") $c.influxdb.v1Token }}
{{- $items = append $items (dict "key" .Values.secrets.keys.influxdbToken "name" "Sinks__InfluxDb__Token" "what" "InfluxDB token") }}
{{- end }}
{{- if and (eq $c.influxdb.apiVersion "V1") $c.influxdb.username }}
{{- $items = append $items (dict "key" .Values.secrets.keys.influxdbPassword "name" "Sinks__InfluxDb__Password" "what" "InfluxDB password") }}
{{- end }}
{{- end }}
{{- dict "items" $items | toJson }}
{{- end }}
