{{- define "type" -}}
{{- $type := . -}}
{{- if markdownShouldRenderType $type -}}

#### {{ $type.Name }}

{{ if $type.IsAlias }}_Underlying type:_ _{{ markdownRenderTypeLink $type.UnderlyingType  }}_

{{ end -}}
{{ $type.Doc }}
{{- with index $type.Markers "kubebuilder:resource" }}
{{- range . }}

_Short names:_ {{ range $i, $n := .ShortName }}{{ if $i }}, {{ end }}`{{ $n }}`{{ end }}{{ with .Categories }} · _Categories:_ {{ range $i, $c := . }}{{ if $i }}, {{ end }}`{{ $c }}`{{ end }}{{ end }}
{{- end }}
{{- end }}
{{- with index $type.Markers "kubebuilder:printcolumn" }}

_Columns of `kubectl get`:_ {{ range $i, $c := . }}{{ if $i }}, {{ end }}{{ $c.Name }} (`{{ $c.JSONPath }}`){{ end }}
{{- end }}
{{- if $type.Validation }}

_Validation:_
{{- range $type.Validation }}
- {{ . }}
{{- end }}
{{- end }}
{{- with index $type.Markers "kubebuilder:validation:XValidation" }}

_Rules (CEL, checked by the API server when the resource is applied):_
{{- range . }}
- {{ .Message }}: `{{ .Rule }}`
{{- end }}
{{- end }}
{{- if $type.References }}

_Appears in:_
{{- range $type.SortedReferences }}
- {{ markdownRenderTypeLink . }}
{{- end }}
{{- end }}
{{- if $type.Members }}

| Field | Description | Default | Validation |
| --- | --- | --- | --- |
{{ if $type.GVK -}}
| `apiVersion` _string_ | `{{ $type.GVK.Group }}/{{ $type.GVK.Version }}` | | |
| `kind` _string_ | `{{ $type.GVK.Kind }}` | | |
{{ end -}}
{{ range $type.Members -}}
| `{{ .Name  }}` _{{ markdownRenderType .Type }}_ | {{ template "type_members" . }} | {{ markdownRenderDefault .Default }} | {{ range .Validation -}} {{ if ne . "Optional: {}" }}{{ if eq . "Required: {}" }}Required{{ else }}{{ markdownRenderFieldDoc . }}{{ end }} <br />{{ end }}{{ end }}{{ $typeRules := index .Type.Markers "kubebuilder:validation:XValidation" }}{{ with index .Markers "kubebuilder:validation:XValidation" }}{{ range . }}{{ if not (has . $typeRules) }}Rule: {{ markdownRenderFieldDoc .Message }} <br />{{ end }}{{ end }}{{ end }} |
{{ end -}}
{{- end }}
{{- if $type.EnumValues }}

| Value | Description |
| --- | --- |
{{ range $type.EnumValues -}}
| `{{ .Name }}` | {{ markdownRenderFieldDoc .Doc }} |
{{ end -}}
{{- end }}

{{ end -}}
{{- end -}}
