{{/*
values.schema.json rejects these too; the checks here keep a release correct when the schema is skipped
(`--skip-schema-validation`) and give one message that says what to change and why.
*/}}
{{- define "flowcollector.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.state.postgresql.enabled) }}
{{- fail (printf "replicaCount is %v but must be 0 or 1 with the embedded state store: it is an SQLite file on the pod's volume and cannot be shared, so a second replica would collect every repository again with its own watermarks. For several replicas set state.postgresql.enabled: true with a connection string in secrets.existingSecret (docs/scaling.md)." .Values.replicaCount) }}
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
