{{/*
values.schema.json rejects these too; the checks here keep a release correct when the schema is skipped
(`--skip-schema-validation`) and give one message that says what to change and why.
*/}}
{{- define "flowcollector.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.state.postgresql.enabled) }}
{{- fail (printf "replicaCount is %v but must be 0 or 1 with the embedded state store: it is an SQLite file on the pod's volume and cannot be shared, so a second replica would collect every repository again with its own watermarks. For several replicas set state.postgresql.enabled: true with a connection string in secrets.existingSecret (docs/scaling.md)." .Values.replicaCount) }}
{{- end }}
{{- $github := .Values.config.github }}
{{- $appId := include "flowcollector.appId" . }}
{{- $appIdFromSecret := include "flowcollector.secretRefSet" .Values.secrets.githubAppId }}
{{- if and (eq $github.authentication "App") (not $appId) (not $appIdFromSecret) }}
{{- fail "config.github.authentication is App but config.github.app.appId is empty; set the App ID (e.g. 123456) or the Client ID from the GitHub App's settings page, or take it from a Secret with secrets.githubAppId.key." }}
{{- end }}
{{- if and (eq $github.authentication "App") $appId $appIdFromSecret }}
{{- fail (printf "config.github.app.appId is %q and secrets.githubAppId.key names a Secret key too; set one of them (the mounted key would win)." $appId) }}
{{- end }}
{{- if and (ne $github.authentication "App") $appId }}
{{- fail (printf "config.github.app.appId is %q but config.github.authentication is %s: a token and an app cannot both authenticate; set config.github.authentication: App to use the GitHub App, or clear config.github.app.appId to use the token." $appId $github.authentication) }}
{{- end }}
{{- if and (eq $github.authentication "App") (not (include "flowcollector.secretRefSet" .Values.secrets.githubAppPrivateKey)) }}
{{- fail "config.github.authentication is App but secrets.githubAppPrivateKey.key is empty; set the key of the Secret that holds the app's .pem file (default github-app-private-key)." }}
{{- end }}
{{- $pg := .Values.state.postgresql }}
{{- if and $pg.enabled $pg.host (or (not $pg.database) (not $pg.username)) }}
{{- fail "state.postgresql.host is set but state.postgresql.database or username is empty; set both (the password comes from secrets.postgresqlPassword), or clear host and give the whole connection string or URI in secrets.postgresqlConnectionString." }}
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
{{- $missing := list }}
{{- range (include "flowcollector.secretItems" . | fromJson).items }}
{{- if not .secret }}{{ $missing = append $missing (printf "%s (key %s)" .name .key) }}{{ end }}
{{- end }}
{{- with $missing }}
{{- fail (printf "secrets.existingSecret is empty but the configuration needs %s; create a Secret with those keys and set secrets.existingSecret to its name, or give each credential its own Secret in secrets.<credential>.existingSecret (the chart never renders secret values)." (join ", " .)) }}
{{- end }}
{{- range (include "flowcollector.secretItems" . | fromJson).items }}
{{- if not .key }}{{ fail (printf "secrets.%s.key is empty: name the key of Secret %q that holds the %s." .value .secret .what) }}{{ end }}
{{- end }}
{{- if and (eq .Values.mode "cronjob") (not .Values.persistence.enabled) (not .Values.state.postgresql.enabled) }}
{{- fail "mode is cronjob but persistence.enabled is false: every run is a new pod, so state in an emptyDir (watermarks, ETags, changes waiting for deployment) would be lost and each run would re-read the whole backfill; set persistence.enabled: true." }}
{{- end }}
{{- end }}
