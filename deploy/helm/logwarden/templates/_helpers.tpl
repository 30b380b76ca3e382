{{/* Name of the chart, shortened to the 63 characters Kubernetes allows in names. */}}
{{- define "logwarden.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name; the release name alone when it already contains the chart name. */}}
{{- define "logwarden.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "logwarden.selectorLabels" -}}
app.kubernetes.io/name: {{ include "logwarden.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "logwarden.labels" -}}
{{ include "logwarden.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "logwarden.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "logwarden.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The rules folder inside the container, for the chosen source. */}}
{{- define "logwarden.rulesFolder" -}}
{{- if .Values.rules.gitSync.enabled -}}
{{- printf "/git/rules/%s" (.Values.rules.gitSync.subPath | trimPrefix "/") | trimSuffix "/" -}}
{{- else -}}
/etc/logwarden/rules
{{- end -}}
{{- end -}}

{{/* config.yaml: the user's keys plus the ones the chart owns. */}}
{{- define "logwarden.configYaml" -}}
{{- $owned := dict "rules_folder" (include "logwarden.rulesFolder" .) "ops_enabled" true "ops_port" (int .Values.ops.port) "ops_bind" "0.0.0.0" "status_page" .Values.ops.statusPage "status_page_actions" .Values.ops.actions -}}
{{- range $key, $_ := $owned -}}
{{- if hasKey $.Values.config $key -}}
{{- fail (printf "config.%s is set by the chart; use the ops/rules values instead" $key) -}}
{{- end -}}
{{- end -}}
{{- toYaml (merge $owned (deepCopy .Values.config)) -}}
{{- end -}}

{{/* Environment for both the git-sync containers. */}}
{{- define "logwarden.gitSyncEnv" -}}
- name: GITSYNC_REPO
  value: {{ required "rules.gitSync.repo is required when gitSync is enabled" .Values.rules.gitSync.repo | quote }}
- name: GITSYNC_REF
  value: {{ .Values.rules.gitSync.ref | quote }}
- name: GITSYNC_ROOT
  value: /git
- name: GITSYNC_LINK
  value: rules
- name: GITSYNC_DEPTH
  value: "1"
{{- if .Values.rules.gitSync.secretName }}
{{- if eq .Values.rules.gitSync.auth "ssh" }}
- name: GITSYNC_SSH_KEY_FILE
  value: /etc/git-secret/ssh
- name: GITSYNC_SSH_KNOWN_HOSTS_FILE
  value: /etc/git-secret/known_hosts
{{- else }}
- name: GITSYNC_USERNAME
  valueFrom:
    secretKeyRef: {name: {{ .Values.rules.gitSync.secretName | quote }}, key: username}
- name: GITSYNC_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ .Values.rules.gitSync.secretName | quote }}, key: password}
{{- end }}
{{- end }}
{{- end -}}

{{- define "logwarden.gitSyncMounts" -}}
- name: git
  mountPath: /git
{{- if and .Values.rules.gitSync.secretName (eq .Values.rules.gitSync.auth "ssh") }}
- name: git-secret
  mountPath: /etc/git-secret
  readOnly: true
{{- end }}
{{- end -}}
