{{- define "complaints.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "complaints.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "complaints.labels" -}}
{{ include "complaints.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: complaints
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "complaints.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "complaints.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "complaints.secretName" -}}
{{- default (printf "%s-connections" (include "complaints.fullname" .)) .Values.existingSecret -}}
{{- end -}}

{{/* Image of a service: {"root": $, "repository": "complaints-intake"} */}}
{{- define "complaints.image" -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" .root.Values.image.registry) .repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .repository $tag -}}
{{- end -}}
{{- end -}}

{{/* Environment shared by every container of the platform. */}}
{{- define "complaints.connectionEnv" -}}
- name: ConnectionStrings__Postgres
  valueFrom:
    secretKeyRef: { name: {{ include "complaints.secretName" . }}, key: postgres-connection-string }
- name: ConnectionStrings__RabbitMq
  valueFrom:
    secretKeyRef: { name: {{ include "complaints.secretName" . }}, key: rabbitmq-connection-string }
{{- if gt (int .Values.httpApiPort) 0 }}
- name: ASPNETCORE_HTTP_PORTS
  value: {{ printf "%v;%v" .Values.grpcPort .Values.httpApiPort | quote }}
- name: Complaints__HttpApi__Port
  value: {{ .Values.httpApiPort | quote }}
{{- else }}
- name: ASPNETCORE_HTTP_PORTS
  value: {{ .Values.grpcPort | quote }}
{{- end }}
{{- if .Values.tls.enabled }}
- name: ASPNETCORE_HTTPS_PORTS
  value: {{ .Values.tls.tlsPort | quote }}
- name: Kestrel__Certificates__Default__Path
  value: /etc/complaints/tls/tls.crt
- name: Kestrel__Certificates__Default__KeyPath
  value: /etc/complaints/tls/tls.key
{{- end }}
- name: Complaints__Auth__Authority
  value: {{ required "auth.authority is required: the OpenID Connect issuer" .Values.auth.authority | quote }}
- name: Complaints__Auth__Audience
  value: {{ .Values.auth.audience | quote }}
- name: Complaints__Auth__RequireHttpsMetadata
  value: {{ .Values.auth.requireHttpsMetadata | quote }}
- name: Complaints__Auth__SubjectClaim
  value: {{ .Values.auth.subjectClaim | quote }}
- name: Complaints__Auth__RoleClaim
  value: {{ .Values.auth.roleClaim | quote }}
- name: Complaints__Auth__TeamClaim
  value: {{ .Values.auth.teamClaim | quote }}
- name: Complaints__PersonalData__ActiveKeyId
  value: {{ .Values.personalData.activeKeyId | quote }}
{{- $keyIds := .Values.personalData.keyIds }}
{{- if not .Values.existingSecret }}{{ $keyIds = keys .Values.personalData.keyEncryptionKeys | sortAlpha }}{{ end }}
{{- if not (has .Values.personalData.activeKeyId $keyIds) }}
{{- fail (printf "personalData: the active key id %s must be among the key ids %v" .Values.personalData.activeKeyId $keyIds) }}
{{- end }}
{{- range $keyIds }}
{{- if not (regexMatch "^[A-Za-z0-9_]+$" .) }}{{ fail (printf "personalData key id %q: use letters, digits and underscores only" .) }}{{ end }}
- name: Complaints__PersonalData__KeyEncryptionKeys__{{ . }}
  valueFrom:
    secretKeyRef: { name: {{ include "complaints.secretName" $ }}, key: kek-{{ . }} }
{{- end }}
- name: Complaints__PersonalData__LegalHold__RetentionPeriod
  value: {{ .Values.personalData.retentionPeriod | quote }}
- name: Complaints__Grpc__Reflection
  value: {{ .Values.grpcReflection | quote }}
- name: DOTNET_ENVIRONMENT
  value: Production
{{- if .Values.telemetry.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ .Values.telemetry.otlpEndpoint | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: {{ .Values.telemetry.otlpProtocol | quote }}
{{- end }}
- name: OTEL_TRACES_SAMPLER
  value: {{ .Values.telemetry.sampler | quote }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ .Values.telemetry.samplerArg | quote }}
- name: K8S_POD_NAME
  valueFrom: { fieldRef: { fieldPath: metadata.name } }
- name: OTEL_RESOURCE_ATTRIBUTES
  value: "k8s.namespace.name={{ .Release.Namespace }},k8s.pod.name=$(K8S_POD_NAME)"
{{- end -}}

{{/*
Pod template of a long-running component.
{"root": $, "component": "intake", "repository": "...", "resources": {...}, "runEventRelay": false}
*/}}
{{- define "complaints.podTemplate" -}}
{{- $root := .root -}}
metadata:
  labels:
    {{- include "complaints.labels" . | nindent 4 }}
  annotations:
    checksum/domain-config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    {{- with $root.Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "complaints.serviceAccountName" $root }}
  automountServiceAccountToken: {{ $root.Values.serviceAccount.automountToken }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: {{ .component }}
      image: {{ include "complaints.image" (dict "root" $root "repository" .repository) }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      ports:
        - name: grpc
          containerPort: {{ $root.Values.grpcPort }}
          protocol: TCP
        {{- if gt (int $root.Values.httpApiPort) 0 }}
        - name: http-api
          containerPort: {{ $root.Values.httpApiPort }}
          protocol: TCP
        {{- end }}
        {{- if $root.Values.tls.enabled }}
        - name: grpc-tls
          containerPort: {{ $root.Values.tls.tlsPort }}
          protocol: TCP
        {{- end }}
      env:
        {{- include "complaints.connectionEnv" $root | nindent 8 }}
        - name: Complaints__RunEventRelay
          value: {{ .runEventRelay | quote }}
        {{- if eq .component "relay" }}
        # Only the relay holds the audit signing key: it signs checkpoints and serves the audit API,
        # which signs exports' manifests. Intake, which faces channel systems, never has it.
        - name: Complaints__Audit__SigningKey
          valueFrom:
            secretKeyRef: { name: {{ include "complaints.secretName" $root }}, key: audit-signing-key }
        - name: Complaints__Audit__SigningKeyId
          value: {{ $root.Values.audit.signingKeyId | quote }}
        - name: Complaints__Audit__CheckpointInterval
          value: {{ $root.Values.audit.checkpointInterval | quote }}
        # The relay's leader sends the channel systems' webhooks (docs/http-api.md).
        - name: Complaints__Webhooks__RetryFor
          value: {{ $root.Values.webhooks.retryFor | quote }}
        {{- range $client, $subscriber := $root.Values.webhooks.subscribers }}
        - name: Complaints__Webhooks__Subscribers__{{ $client }}__Url
          value: {{ required (printf "webhooks.subscribers.%s.url is required" $client) $subscriber.url | quote }}
        {{- range $i, $_ := until (int (default (len (default (list) $subscriber.secrets)) $subscriber.secretCount)) }}
        - name: Complaints__Webhooks__Subscribers__{{ $client }}__Secrets__{{ $i }}
          valueFrom:
            secretKeyRef: { name: {{ include "complaints.secretName" $root }}, key: webhook-{{ $client }}-{{ $i }} }
        {{- end }}
        {{- end }}
        {{- end }}
        - name: Complaints__SchemaAutoCreate
          value: {{ ternary "None" "CreateOrUpdate" $root.Values.schemaMigration.enabled | quote }}
        - name: Complaints__ConfigDirectory
          value: /etc/complaints/config
        {{- if $root.Values.domainConfig.triageRules }}
        - name: Complaints__Routing__TriageRulesFile
          value: /etc/complaints/rules/triage-rules.json
        {{- end }}
        {{- if $root.Values.domainConfig.triageCorpus }}
        - name: Complaints__Routing__TriageCorpusFile
          value: /etc/complaints/rules/triage-corpus.jsonl
        {{- end }}
        {{- if $root.Values.domainConfig.wordingRules }}
        - name: Complaints__Resolution__WordingRulesFile
          value: /etc/complaints/rules/wording-rules.json
        {{- end }}
        {{- if $root.Values.domainConfig.teams }}
        - name: Complaints__Routing__TeamsFile
          value: /etc/complaints/rules/teams.json
        {{- end }}
      startupProbe:
        grpc: { port: {{ $root.Values.grpcPort }}, service: live }
        {{- toYaml $root.Values.probes.startup | nindent 8 }}
      livenessProbe:
        grpc: { port: {{ $root.Values.grpcPort }}, service: live }
        {{- toYaml $root.Values.probes.liveness | nindent 8 }}
      readinessProbe:
        grpc: { port: {{ $root.Values.grpcPort }}, service: ready }
        {{- toYaml $root.Values.probes.readiness | nindent 8 }}
      resources:
        {{- toYaml .resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.containerSecurityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        - name: domain-config
          mountPath: /etc/complaints
          readOnly: true
        {{- if $root.Values.tls.enabled }}
        - name: tls
          mountPath: /etc/complaints/tls
          readOnly: true
        {{- end }}
        {{- if $root.Values.tls.caSecretName }}
        - name: ca
          mountPath: /etc/complaints/ca
          readOnly: true
        {{- end }}
  volumes:
    {{- if $root.Values.tls.enabled }}
    - name: tls
      secret:
        secretName: {{ required "tls.secretName is required when tls.enabled" $root.Values.tls.secretName }}
    {{- end }}
    {{- if $root.Values.tls.caSecretName }}
    - name: ca
      secret:
        secretName: {{ $root.Values.tls.caSecretName }}
    {{- end }}
    - name: tmp
      emptyDir: { sizeLimit: 256Mi }
    - name: domain-config
      configMap:
        name: {{ include "complaints.fullname" $root }}-domain-config
        items:
          - { key: sla.json, path: config/sla.json }
          - { key: intake.json, path: config/intake.json }
          - { key: approval-limits.json, path: config/approval-limits.json }
          - { key: resolution.json, path: config/resolution.json }
          - { key: followup.json, path: config/followup.json }
          {{- if $root.Values.domainConfig.wordingRules }}
          - { key: wording-rules.json, path: rules/wording-rules.json }
          {{- end }}
          {{- if $root.Values.domainConfig.triageRules }}
          - { key: triage-rules.json, path: rules/triage-rules.json }
          {{- end }}
          {{- if $root.Values.domainConfig.triageCorpus }}
          - { key: triage-corpus.jsonl, path: rules/triage-corpus.jsonl }
          {{- end }}
          {{- if $root.Values.domainConfig.teams }}
          - { key: teams.json, path: rules/teams.json }
          {{- end }}
  {{- with $root.Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if eq .component "relay" }}
  # The standby is worth having only on another node than the leader.
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "complaints.selectorLabels" . | nindent 10 }}
  {{- end }}
{{- end -}}

{{/* Egress rules a component needs: DNS, and the dependencies it names. {"root": $, "needs": ["postgresql", "rabbitmq"]} */}}
{{- define "complaints.egressRules" -}}
{{- $root := .root -}}
- ports:
    - { port: 53, protocol: UDP }
    - { port: 53, protocol: TCP }
{{- range .needs }}
{{- $dependency := index $root.Values . }}
- ports:
    - { port: {{ $dependency.port }}, protocol: TCP }
  {{- with $dependency.networkPeers }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- if $root.Values.telemetry.otlpEndpoint }}
- ports:
    - { port: {{ $root.Values.telemetry.otlpPort }}, protocol: TCP }
  {{- with $root.Values.telemetry.networkPeers }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end -}}
