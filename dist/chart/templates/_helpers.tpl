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

{{/*
GOMEMLIMIT in bytes: goMemLimitPercent of resources.limits.memory, or empty when the
percentage is 0, there is no memory limit, or extraEnv sets GOMEMLIMIT itself. A quantity is
a number (decimals allowed) with an optional binary (Ki to Ei) or decimal (k to E) suffix;
the other forms Kubernetes accepts (exponents, milli) fail here with the way out.
*/}}
{{- define "wassist-operator.goMemLimit" -}}
{{- $percent := .Values.goMemLimitPercent | int64 }}
{{- $limit := dig "limits" "memory" "" (.Values.resources | default dict) }}
{{- $own := false }}
{{- range .Values.extraEnv }}
{{- if eq .name "GOMEMLIMIT" }}{{ $own = true }}{{ end }}
{{- end }}
{{- if and (gt $percent 0) $limit (not $own) }}
{{- $bytes := 0.0 }}
{{- if or (kindIs "float64" $limit) (kindIs "int64" $limit) (kindIs "int" $limit) }}
{{- $bytes = float64 $limit }}
{{- else }}
{{- $q := toString $limit }}
{{- if not (regexMatch "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$" $q) }}
{{- fail (printf "resources.limits.memory %q: GOMEMLIMIT cannot be derived from it; write it like 256Mi, 1Gi or 500M, or set GOMEMLIMIT in extraEnv, or goMemLimitPercent: 0" $q) }}
{{- end }}
{{- $number := regexFind "^[0-9]+(\\.[0-9]+)?" $q }}
{{- $units := dict "" 1 "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 "Pi" 1125899906842624 "Ei" 1152921504606846976 "k" 1000 "M" 1000000 "G" 1000000000 "T" 1000000000000 "P" 1000000000000000 "E" 1000000000000000000 }}
{{- $bytes = mulf (float64 $number) (get $units (trimPrefix $number $q)) }}
{{- end }}
{{- /* bytes × percent is exact in a float64 below 2^53 (about 100 TiB at 80%), so floor rounds down the exact quotient. */ -}}
{{- printf "%d" (floor (divf (mulf $bytes $percent) 100) | int64) }}
{{- end }}
{{- end }}
