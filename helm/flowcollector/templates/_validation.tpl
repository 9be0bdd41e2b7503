{{/*
values.schema.json rejects these too; the checks here keep a release correct when the schema is skipped
(`--skip-schema-validation`) and give one message that says what to change and why.
*/}}
{{- define "flowcollector.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.state.postgresql.enabled) }}
{{- fail (printf "replicaCount is %v but must be 0 or 1 with the embedded state store: it is an SQLite file on the pod's volume and cannot be shared, so a second replica would collect every repository again with its own watermarks. For several replicas set state.postgresql.enabled: true with a connection string in secrets.existingSecret (docs/scaling.md)." .Values.replicaCount) }}
{{- end }}
{{- $github := .Values.config.github }}
{{- if and (eq $github.authentication "App") (not $github.app.appId) }}
{{- fail "config.github.authentication is App but config.github.app.appId is empty; set the App ID (quoted, e.g. \"123456\") or the Client ID from the GitHub App's settings page." }}
{{- end }}
{{- if and (ne $github.authentication "App") $github.app.appId }}
{{- fail (printf "config.github.app.appId is %q but config.github.authentication is %s: a token and an app cannot both authenticate; set config.github.authentication: App to use the GitHub App, or clear config.github.app.appId to use the token." $github.app.appId $github.authentication) }}
{{- end }}
{{- if and (eq $github.authentication "App") (not .Values.secrets.keys.githubAppPrivateKey) }}
{{- fail "config.github.authentication is App but secrets.keys.githubAppPrivateKey is empty; set the key of secrets.existingSecret that holds the app's .pem file (default github-app-private-key)." }}
{{- end }}
{{- $ado := .Values.config.azureDevOps }}
{{- if and (or $ado.repositories $ado.projects) (not $ado.organizationUrl) }}
{{- fail "config.azureDevOps.organizationUrl is empty but config.azureDevOps.repositories or projects is not; set https://dev.azure.com/<organization> or, for Azure DevOps Server, the collection URL (https://<host>/tfs/<collection>)." }}
{{- end }}
{{- /* The schema cannot compare names case-insensitively; GitHub and Azure DevOps resolve them that way. */}}
{{- range $list := list (dict "key" "config.github.organizations" "entries" $github.organizations "fix" "merge the two entries (their include/exclude lists and topics) into one") (dict "key" "config.azureDevOps.projects" "entries" $ado.projects "fix" "merge their include and exclude lists into one entry") }}
{{- $seen := dict }}
{{- range $i, $entry := $list.entries }}
{{- $name := lower (toString (default "" $entry.name)) }}
{{- if and $name (hasKey $seen $name) }}
{{- fail (printf "%s[%d].name is %q, a duplicate of %s[%v].name; %s." $list.key $i $entry.name $list.key (get $seen $name) $list.fix) }}
{{- end }}
{{- $_ := set $seen $name $i }}
{{- end }}
{{- end }}
{{- $items := (include "flowcollector.secretItems" . | fromJson).items }}
{{- if and $items (not .Values.secrets.existingSecret) }}
{{- $names := list }}
{{- range $items }}{{ $names = append $names (printf "%s (key %s)" .name .key) }}{{ end }}
{{- fail (printf "secrets.existingSecret is empty but the configuration needs %s; create a Secret with those keys and set secrets.existingSecret to its name (the chart never renders secret values)." (join ", " $names)) }}
{{- end }}
{{- if and (eq .Values.mode "cronjob") (not .Values.persistence.enabled) }}
{{- fail "mode is cronjob but persistence.enabled is false: every run is a new pod, so state in an emptyDir (watermarks, ETags, changes waiting for deployment) would be lost and each run would re-read the whole backfill; set persistence.enabled: true." }}
{{- end }}
{{- end }}
