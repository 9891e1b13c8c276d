package wassisttest

// The agency's WhatsApp templates: five languages (six language codes), both parameter
// formats, every category, one name in two languages, and on the accounts in every state
// Meta's review leaves.

const (
	tplOrderShipped  = "order_shipped"
	tplPedido        = "pedido_enviado"
	tplReminderEN    = "appointment_reminder_en"
	tplReminderJA    = "appointment_reminder_ja"
	tplSpringSale    = "spring_sale"
	tplLoginCode     = "login_code"
	tplHolidayHours  = "holiday_hours"
	templateUtility  = "UTILITY"
	templateAuth     = "AUTHENTICATION"
	buttonQuickReply = "QUICK_REPLY"
)

func agencyTemplates(g agencyIDs) []Template {
	tpl := func(slot, name, category, language, format string, day int, comps ...TemplateComponent) Template {
		return Template{ID: g.template(slot), Name: name, Category: category, Language: language, ParameterFormat: format,
			Components: comps, CreatedAt: agencyDay(day), UpdatedAt: agencyDay(day + 3)}
	}
	return []Template{
		tpl(tplOrderShipped, "order_shipped", templateUtility, "en_US", formatPositional, 4,
			TemplateComponent{Type: componentHeader, Format: headerFormatText, Text: "Order {{1}} is on its way",
				Example: &TemplateExample{HeaderText: []string{"#48213"}}},
			TemplateComponent{Type: componentBody, Text: "Hi {{1}}, your order {{2}} has shipped: \"{{3}}\".\n\n" +
				"Expected delivery: {{4}}. Reply HELP for help, or STOP to opt out.",
				Example: &TemplateExample{BodyText: [][]string{{"Ana", "#48213", "2× Flat White beans, 1kg", "Fri 14 Mar"}}}},
			TemplateComponent{Type: componentFooter, Text: "Brightline · Sent by our order bot"},
			TemplateComponent{Type: componentButtons, Buttons: []TemplateButton{
				{Type: buttonURL, Text: "Track order", URL: "https://shop.brightline.example/track/{{1}}",
					Example: []string{"https://shop.brightline.example/track/48213"}},
				{Type: buttonPhoneNumber, Text: "Call us", PhoneNumber: "+447700900500"},
			}}),
		tpl(tplPedido, "pedido_enviado", templateUtility, "es", formatPositional, 9,
			TemplateComponent{Type: componentBody, Text: "¡Hola {{1}}! Tu pedido {{2}} ya salió. ¿Dudas? Escríbenos aquí — " +
				"respondemos en español, 9:00–18:00 (CET).",
				Example: &TemplateExample{BodyText: [][]string{{"Iñaki", "#48214"}}}}),
		tpl(tplReminderEN, "appointment_reminder", templateUtility, "en_GB", formatNamed, 15,
			TemplateComponent{Type: componentBody, Text: "Hello {{patient_name}}, a reminder of your appointment with " +
				"{{dentist}} on {{date}} at {{time}}.\nPlease arrive 10 minutes early.",
				Example: &TemplateExample{BodyTextNamedParams: []TemplateNamedParam{
					{ParamName: "patient_name", Example: "Sam O'Neill"}, {ParamName: "dentist", Example: "Dr. Patel"},
					{ParamName: "date", Example: "Tuesday 3 June"}, {ParamName: "time", Example: "09:30"},
				}}},
			TemplateComponent{Type: componentButtons, Buttons: []TemplateButton{
				{Type: buttonQuickReply, Text: "Confirm"}, {Type: buttonQuickReply, Text: "Reschedule"},
			}}),
		tpl(tplReminderJA, "appointment_reminder", templateUtility, "ja", formatNamed, 16,
			TemplateComponent{Type: componentBody, Text: "{{patient_name}}様、{{date}} {{time}}のご予約のお知らせです。\n" +
				"変更をご希望の場合は「変更」とご返信ください。",
				Example: &TemplateExample{BodyTextNamedParams: []TemplateNamedParam{
					{ParamName: "patient_name", Example: "山田太郎"}, {ParamName: "date", Example: "6月3日"},
					{ParamName: "time", Example: "9:30"},
				}}}),
		tpl(tplSpringSale, "spring_sale", categoryMarketing, "en_US", formatPositional, 22,
			TemplateComponent{Type: componentHeader, Format: "IMAGE",
				Example: &TemplateExample{HeaderHandle: []string{"4::aW1hZ2UvanBlZw==:ARb8Yx2example"}}},
			TemplateComponent{Type: componentBody, Text: "🌸 Spring sale! {{1}}% off everything — guaranteed lowest prices " +
				"until {{2}}. Use code {{3}}.",
				Example: &TemplateExample{BodyText: [][]string{{"25", "31 March", "SPRING25"}}}},
			TemplateComponent{Type: componentButtons, Buttons: []TemplateButton{
				{Type: buttonCopyCode, Text: "Copy code", Example: []string{"SPRING25"}},
				{Type: buttonQuickReply, Text: "Stop promotions"},
			}}),
		tpl(tplLoginCode, "login_code", templateAuth, "en", formatPositional, 30,
			TemplateComponent{Type: componentBody, Text: "{{1}} is your verification code. For your security, do not share this code.",
				Example: &TemplateExample{BodyText: [][]string{{"482913"}}}},
			TemplateComponent{Type: componentButtons, Buttons: []TemplateButton{{Type: "OTP", Text: "Copy code"}}}),
		tpl(tplHolidayHours, "holiday_hours", categoryMarketing, "de", formatPositional, 41,
			TemplateComponent{Type: componentBody, Text: "Frohe Feiertage, {{1}}! Unsere Öffnungszeiten: 24.–26.12. geschlossen, " +
				"27.12. 10–14 Uhr. Grüße aus der Straße der Pariser Kommune.",
				Example: &TemplateExample{BodyText: [][]string{{"Jürgen"}}}}),
	}
}

// agencyPublication is a template on an account, as Meta's review left it.
type agencyPublication struct {
	template, account       string
	status, quality, reason string
}

// agencyPublications: holiday_hours is a draft on no account; the rest are APPROVED, PENDING,
// REJECTED or PAUSED somewhere.
var agencyPublications = []agencyPublication{
	{template: tplOrderShipped, account: accountUK, status: templateApproved, quality: qualityGreen},
	{template: tplOrderShipped, account: accountUS, status: templateApproved, quality: "YELLOW"},
	{template: tplPedido, account: accountUK, status: templatePending, quality: qualityUnknown},
	{template: tplReminderEN, account: accountUK, status: templateApproved, quality: qualityGreen},
	{template: tplReminderEN, account: accountUS, status: templatePaused, quality: "RED"},
	{template: tplReminderJA, account: accountUS, status: templateApproved, quality: qualityGreen},
	{template: tplSpringSale, account: accountUK, status: templateRejected, quality: qualityUnknown, reason: "PROMOTIONAL"},
	{template: tplLoginCode, account: accountUK, status: templateApproved, quality: qualityGreen},
	{template: tplLoginCode, account: accountUS, status: templateRejected, quality: qualityUnknown, reason: "INVALID_FORMAT"},
}
