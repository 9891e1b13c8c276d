{{/*
The chart name, overridable with nameOverride.
*/}}
{{- define "wassist-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The fully qualified app name, the prefix of every object's name. A release named like the
chart (helm install wassist-operator ...) gives the same names as config/default.
*/}}
{{- define "wassist-operator.fullname" -}}
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

{{- define "wassist-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "wassist-operator.labels" -}}
helm.sh/chart: {{ include "wassist-operator.chart" . }}
{{ include "wassist-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels of the manager pods.
*/}}
{{- define "wassist-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "wassist-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
control-plane: controller-manager
{{- end }}

{{/*
The manager's ServiceAccount.
*/}}
{{- define "wassist-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (printf "%s-controller-manager" (include "wassist-operator.fullname" .)) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The metrics Service's name, as kubebuilder names it.
*/}}
{{- define "wassist-operator.metricsServiceName" -}}
{{- printf "%s-controller-manager-metrics-service" (include "wassist-operator.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
