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
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
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

{{/*
The image reference; a digest pins it. The repository must name its registry (`ghcr.io/<owner>/flowcollector`,
`registry.example.com/platform/flowcollector`): a bare name would be looked up on Docker Hub, where nothing is
published, and end in ImagePullBackOff. The chart released by .github/workflows/release.yaml defaults to the image
that workflow pushes; from a source checkout set `image.repository`.
*/}}
{{- define "flowcollector.image" -}}
{{- $repository := toString .Values.image.repository }}
{{- if not $repository }}
{{- fail "image.repository is empty: set it to a pullable image, e.g. ghcr.io/<owner>/flowcollector (what the release workflow publishes) or your registry's copy (docs/deployment.md). The chart from the release's OCI registry has it set already." }}
{{- end }}
{{- if not (regexMatch "^(localhost|[a-zA-Z0-9-]+(\\.[a-zA-Z0-9-]+)+)(:[0-9]+)?/[a-z0-9]+([._/-][a-z0-9]+)*$" $repository) }}
{{- fail (printf "image.repository is %q: it must name its registry (e.g. ghcr.io/<owner>/flowcollector or registry.example.com/platform/flowcollector); a bare name is looked up on Docker Hub, where no FlowCollector image is published." $repository) }}
{{- end }}
{{- $tag := default .Chart.AppVersion (toString .Values.image.tag) }}
{{- if .Values.image.digest }}
{{- printf "%s:%s@%s" $repository $tag .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository $tag }}
{{- end }}
{{- end }}

{{/* The GitHub App id as a string: a number in values (`appId: 123456`, `--set config.github.app.appId=123456`) is written without exponent or decimals. */}}
{{- define "flowcollector.appId" -}}
{{- $id := .Values.config.github.app.appId }}
{{- if kindIs "float64" $id }}{{ printf "%.0f" $id }}{{ else if $id }}{{ toString $id }}{{ end }}
{{- end }}

{{/*
A duration for the binary: `<number><unit>` (ms, s, m, h, d: `15m`, `1h`, `30d`) becomes the .NET TimeSpan it means
(`00:15:00`, `01:00:00`, `30.00:00:00`); a TimeSpan (`hh:mm:ss`, `d.hh:mm:ss`) is passed as it is. Converting here keeps
the rendered file readable by every image version, including those before the binary accepted the short form.
*/}}
{{- define "flowcollector.timespan" -}}
{{- $value := toString . }}
{{- $match := regexFindAll "^([0-9]+)(ms|s|m|h|d)$" $value 1 }}
{{- if $match }}
{{- $number := regexReplaceAll "^([0-9]+)(ms|s|m|h|d)$" $value "${1}" | int64 }}
{{- $unit := regexReplaceAll "^([0-9]+)(ms|s|m|h|d)$" $value "${2}" }}
{{- $ms := mul $number (get (dict "ms" 1 "s" 1000 "m" 60000 "h" 3600000 "d" 86400000) $unit) }}
{{- $days := div $ms 86400000 }}
{{- $clock := printf "%02d:%02d:%02d" (div (mod $ms 86400000) 3600000) (div (mod $ms 3600000) 60000) (div (mod $ms 60000) 1000) }}
{{- if gt $days 0 }}{{ $clock = printf "%d.%s" $days $clock }}{{ end }}
{{- if gt (mod $ms 1000) 0 }}{{ $clock = printf "%s.%03d" $clock (mod $ms 1000) }}{{ end }}
{{- $clock }}
{{- else }}
{{- $value }}
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
Where one credential comes from: `secrets.<credential>` is `{existingSecret, key}`; an empty existingSecret means
`secrets.existingSecret`. Returns JSON {"secret", "key"}. Called with (dict "root" $ "ref" <secrets.<credential>>).
*/}}
{{- define "flowcollector.secretRef" -}}
{{- $ref := .ref | default dict }}
{{- dict "secret" (default .root.Values.secrets.existingSecret $ref.existingSecret) "key" (toString (default "" $ref.key)) | toJson }}
{{- end }}

{{/* Whether `secrets.<credential>` names a key at all. */}}
{{- define "flowcollector.secretRefSet" -}}
{{- if and . .key }}true{{ end }}
{{- end }}

{{/* Names of the variables `extraEnv` sets: a credential set there is not mounted from a Secret, so extraEnv wins. */}}
{{- define "flowcollector.extraEnvNames" -}}
{{- $names := list }}
{{- /* As the binary's environment provider reads them: case-insensitive, `:` and `__` alike. */}}
{{- range .Values.extraEnv }}{{ $names = append $names (.name | replace ":" "__" | lower) }}{{ end }}
{{- dict "names" $names | toJson }}
{{- end }}

{{/* With `state.postgresql.host`, the connection string is composed from values and the password Secret. */}}
{{- define "flowcollector.postgresqlFromParts" -}}
{{- if and .Values.state.postgresql.enabled .Values.state.postgresql.host }}true{{ end }}
{{- end }}

{{/*
The credentials the configuration needs, as JSON {"items": [{"secret": <Secret>, "key": <key in it>, "name": <configuration
variable>, "what": <for messages>, "value": <the credential under secrets, for messages>}]}.
Only needed keys are referenced: a key the Secret lacks stops the pod with a clear event instead of starting a
collector that would fail later. A variable `extraEnv` sets is left out (extraEnv wins, see README "Precedence").
*/}}
{{- define "flowcollector.secretItems" -}}
{{- $wanted := list }}
{{- $c := .Values.config }}
{{- $keys := .Values.secrets }}
{{- if eq $c.github.authentication "App" }}
{{- /* Needed even without repositories: the binary checks a configured App's key at start-up. */}}
{{- $wanted = append $wanted (dict "ref" $keys.githubAppPrivateKey "value" "githubAppPrivateKey" "name" "Sources__GitHub__App__PrivateKey" "what" "GitHub App private key" "file" true) }}
{{- if include "flowcollector.secretRefSet" $keys.githubAppId }}
{{- $wanted = append $wanted (dict "ref" $keys.githubAppId "value" "githubAppId" "name" "Sources__GitHub__App__AppId" "what" "GitHub App id") }}
{{- end }}
{{- else if or $c.github.repositories $c.github.organizations }}
{{- $wanted = append $wanted (dict "ref" $keys.githubToken "value" "githubToken" "name" "Sources__GitHub__Token" "what" "GitHub token") }}
{{- end }}
{{- if .Values.state.postgresql.enabled }}
{{- if include "flowcollector.postgresqlFromParts" . }}
{{- /* An environment variable in every mount mode: Kubernetes substitutes it into the composed connection string. */}}
{{- $wanted = append $wanted (dict "ref" $keys.postgresqlPassword "value" "postgresqlPassword" "name" "FLOWCOLLECTOR_POSTGRESQL_PASSWORD" "what" "PostgreSQL password" "env" true) }}
{{- else }}
{{- $wanted = append $wanted (dict "ref" $keys.postgresqlConnectionString "value" "postgresqlConnectionString" "name" "State__PostgreSql__ConnectionString" "what" "PostgreSQL connection string") }}
{{- end }}
{{- end }}
{{- if or $c.azureDevOps.repositories $c.azureDevOps.projects }}
{{- if eq $c.azureDevOps.authentication "Pat" }}
{{- $wanted = append $wanted (dict "ref" $keys.azureDevOpsPat "value" "azureDevOpsPat" "name" "Sources__AzureDevOps__Pat" "what" "Azure DevOps personal access token") }}
{{- else if eq $c.azureDevOps.entraId.credential "ClientSecret" }}
{{- $wanted = append $wanted (dict "ref" $keys.azureDevOpsClientSecret "value" "azureDevOpsClientSecret" "name" "Sources__AzureDevOps__EntraId__ClientSecret" "what" "Entra ID client secret") }}
{{- end }}
{{- end }}
{{- if $c.influxdb.url }}
{{- if or (eq $c.influxdb.apiVersion "V2") $c.influxdb.v1Token }}
{{- $wanted = append $wanted (dict "ref" $keys.influxdbToken "value" "influxdbToken" "name" "Sinks__InfluxDb__Token" "what" "InfluxDB token") }}
{{- end }}
{{- if and (eq $c.influxdb.apiVersion "V1") $c.influxdb.username }}
{{- $wanted = append $wanted (dict "ref" $keys.influxdbPassword "value" "influxdbPassword" "name" "Sinks__InfluxDb__Password" "what" "InfluxDB password") }}
{{- end }}
{{- end }}
{{- $overridden := (include "flowcollector.extraEnvNames" . | fromJson).names }}
{{- $items := list }}
{{- range $wanted }}
{{- if not (has (lower .name) $overridden) }}
{{- $ref := include "flowcollector.secretRef" (dict "root" $ "ref" .ref) | fromJson }}
{{- $items = append $items (dict "secret" $ref.secret "key" $ref.key "name" .name "what" .what "value" .value "file" (default false .file) "env" (default false .env)) }}
{{- end }}
{{- end }}
{{- dict "items" $items | toJson }}
{{- end }}

{{/* The items mounted as files (`secrets.mountAs: files`); the others are environment variables. */}}
{{- define "flowcollector.fileSecretItems" -}}
{{- $files := list }}
{{- if eq .Values.secrets.mountAs "files" }}
{{- range (include "flowcollector.secretItems" . | fromJson).items }}
{{- if not .env }}{{ $files = append $files . }}{{ end }}
{{- end }}
{{- end }}
{{- dict "items" $files | toJson }}
{{- end }}

{{/* The items passed as environment variables from secretKeyRef. */}}
{{- define "flowcollector.envSecretItems" -}}
{{- $env := list }}
{{- range (include "flowcollector.secretItems" . | fromJson).items }}
{{- if or .env (ne $.Values.secrets.mountAs "files") }}{{ $env = append $env . }}{{ end }}
{{- end }}
{{- dict "items" $env | toJson }}
{{- end }}
