{{/* The --config argument: the ConfigMap's file, which sits above the image's appsettings.json and below environment variables and secret files. */}}
{{- define "flowcollector.configArgs" -}}
- --config
- {{ include "flowcollector.configDir" . }}/{{ include "flowcollector.configFile" . }}
{{- end }}

{{/*
Environment of every container running the binary: where secret files are, credentials as variables (`secrets.mountAs:
env`, and the PostgreSQL password in every mode), the composed PostgreSQL connection string, the OTLP endpoint, the pod,
namespace and node names (telemetry resource attributes), then the user's extras. A credential variable `extraEnv` sets is neither mounted nor referenced here, so extraEnv wins.
*/}}
{{- define "flowcollector.env" -}}
{{- if (include "flowcollector.fileSecretItems" . | fromJson).items }}
- name: FLOWCOLLECTOR_SECRETS_DIR
  value: {{ include "flowcollector.secretsDir" . }}
{{- end }}
{{- range (include "flowcollector.envSecretItems" . | fromJson).items }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
{{- end }}
{{- $overridden := (include "flowcollector.extraEnvNames" . | fromJson).names }}
{{- if and (include "flowcollector.postgresqlFromParts" .) (not (has "state__postgresql__connectionstring" $overridden)) }}
{{- $pg := .Values.state.postgresql }}
{{- /* Kubernetes substitutes $(FLOWCOLLECTOR_POSTGRESQL_PASSWORD), defined above; the password is quoted for Npgsql (it must not contain a double quote). */}}
- name: State__PostgreSql__ConnectionString
  value: {{ printf "Host=%s;Port=%v;Database=%s;Username=%s;Password=\"$(FLOWCOLLECTOR_POSTGRESQL_PASSWORD)\"%s" $pg.host (int $pg.port) $pg.database $pg.username (ternary (printf ";SSL Mode=%s" $pg.sslMode) "" (not (empty $pg.sslMode))) | quote }}
{{- end }}
{{- with .Values.telemetry.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- /* The k8s.* resource attributes of the collector's logs, metrics and traces, from the downward API. */}}
- name: K8S_POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: K8S_NAMESPACE_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: K8S_NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Mounts shared by the collector and the validate test: the configuration file, /tmp, the credentials in `files` mode, then `extraVolumeMounts`. */}}
{{- define "flowcollector.commonVolumeMounts" -}}
- name: config
  mountPath: {{ include "flowcollector.configDir" . }}
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- if (include "flowcollector.fileSecretItems" . | fromJson).items }}
- name: secrets
  mountPath: {{ include "flowcollector.secretsDir" . }}
  readOnly: true
{{- end }}
{{- with .Values.extraVolumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Volumes shared by the collector and the validate test; the credential files of every Secret they come from are projected into one folder. */}}
{{- define "flowcollector.commonVolumes" -}}
- name: config
  configMap:
    name: {{ include "flowcollector.fullname" . }}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- $items := (include "flowcollector.fileSecretItems" . | fromJson).items }}
{{- if $items }}
{{- $bySecret := dict }}
{{- range $items }}{{ $_ := set $bySecret .secret (append (get $bySecret .secret | default list) .) }}{{ end }}
- name: secrets
  projected:
    # Group-readable: the files belong to fsGroup, and the process runs with that group.
    defaultMode: 0440
    sources:
      {{- range $secret := keys $bySecret | sortAlpha }}
      - secret:
          name: {{ $secret }}
          items:
            {{- range get $bySecret $secret }}
            - key: {{ .key }}
              path: {{ .name }}
            {{- end }}
      {{- end }}
{{- end }}
{{- with .Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Pod settings every pod of the release shares. */}}
{{- define "flowcollector.podCommon" -}}
serviceAccountName: {{ include "flowcollector.serviceAccountName" . }}
automountServiceAccountToken: {{ .Values.serviceAccount.automountServiceAccountToken }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- tpl (toYaml .) $ | nindent 2 }}
{{- end }}
{{- with .Values.initContainers }}
initContainers:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
The collector's pod template, for the Deployment (`run`) and the CronJob (`once`).
Called with (dict "root" $ "verb" "run"|"once").
*/}}
{{- define "flowcollector.podTemplate" -}}
{{- $root := .root }}
{{- $serves := eq .verb "run" -}}
metadata:
  labels:
    {{- include "flowcollector.labels" $root | nindent 4 }}
    app.kubernetes.io/component: collector
    {{- $ado := $root.Values.config.azureDevOps }}
    {{- if and (or $ado.repositories $ado.projects) (eq $ado.authentication "EntraId") (eq $ado.entraId.credential "WorkloadIdentity") }}
    # AKS workload identity: the webhook projects the federated token into pods with this label.
    azure.workload.identity/use: "true"
    {{- end }}
    {{- with $root.Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    # A changed configuration restarts the pod: the binary reads its configuration once, at start-up.
    checksum/config: {{ include "flowcollector.configJson" $root | sha256sum }}
    {{- with $root.Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  {{- include "flowcollector.podCommon" $root | trim | nindent 2 }}
  terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
  {{- if not $serves }}
  restartPolicy: Never
  {{- end }}
  containers:
    - name: flowcollector
      image: {{ include "flowcollector.image" $root }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      args:
        - {{ .verb }}
        {{- include "flowcollector.configArgs" $root | trim | nindent 8 }}
      {{- with include "flowcollector.env" $root | trim }}
      env:
        {{- . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.extraEnvFrom }}
      envFrom:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if $serves }}
      ports:
        # The binary's default `urls` (http://0.0.0.0:8080): /healthz, /readyz, /metrics.
        - name: http
          containerPort: 8080
          protocol: TCP
      {{- with $root.Values.startupProbe }}
      startupProbe:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.livenessProbe }}
      livenessProbe:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.readinessProbe }}
      readinessProbe:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- end }}
      resources:
        {{- toYaml $root.Values.resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      volumeMounts:
        {{- include "flowcollector.commonVolumeMounts" $root | trim | nindent 8 }}
        - name: state
          mountPath: {{ $root.Values.persistence.mountPath }}
  volumes:
    {{- include "flowcollector.commonVolumes" $root | trim | nindent 4 }}
    - name: state
      {{- /* Clustered mode keeps the state in PostgreSQL: no claim, so replicas never share a ReadWriteOnce volume. */}}
      {{- if and $root.Values.persistence.enabled (not $root.Values.state.postgresql.enabled) }}
      persistentVolumeClaim:
        claimName: {{ $root.Values.persistence.existingClaim | default (include "flowcollector.fullname" $root) }}
      {{- else }}
      emptyDir:
        sizeLimit: {{ $root.Values.persistence.emptyDirSizeLimit }}
      {{- end }}
{{- end }}
