package wassisttest

import "time"

// Templates returns key's templates in creation order, exactly as GET
// /whatsapp-templates/{id}/ would serve them now (reviews that are due have landed).
func (s *Server) Templates(key string) []Template {
	var out []Template
	s.withTenant(key, func(t *tenant) {
		t.settleReviews(s.clock.Now(), s.reviewDelay())
		out = make([]Template, 0, len(t.templates))
		for _, rec := range t.templates {
			out = append(out, renderTemplate(rec))
		}
	})
	return out
}

// Template returns one of key's templates as the API would serve it now.
func (s *Server) Template(key, id string) (Template, bool) {
	var tpl Template
	var found bool
	s.withTenant(key, func(t *tenant) {
		t.settleReviews(s.clock.Now(), s.reviewDelay())
		if rec := t.templateByID[id]; rec != nil {
			tpl, found = renderTemplate(rec), true
		}
	})
	return tpl, found
}

// SeedTemplate stores a template made out of band (in the dashboard, or by an earlier run
// whose create response was lost) and returns it as the API serves it. The id is generated
// when empty, createdAt and updatedAt default to now, language and parameterFormat to the
// API's defaults; AccountLinks are ignored (publish through the API). Nothing else is
// validated. An unknown key, an id in use or a name and language the key has panics.
func (s *Server) SeedTemplate(key string, tpl Template) Template {
	var out Template
	ok := s.withTenant(key, func(t *tenant) {
		orNewID(&tpl.ID)
		if t.templateByID[tpl.ID] != nil {
			panic("wassisttest: template id " + tpl.ID + " is in use")
		}
		if tpl.Language == "" {
			tpl.Language = defaultTemplateLanguage
		}
		if tpl.ParameterFormat == "" {
			tpl.ParameterFormat = formatPositional
		}
		if t.templateNamed(tpl.Name, tpl.Language, "") != nil {
			panic("wassisttest: the key already has a template " + tpl.Name + " in " + tpl.Language)
		}
		if tpl.CreatedAt.IsZero() {
			tpl.CreatedAt = s.clock.Now().UTC().Truncate(time.Microsecond)
		}
		if tpl.UpdatedAt.IsZero() {
			tpl.UpdatedAt = tpl.CreatedAt
		}
		tpl = cloneJSON(tpl)
		tpl.AccountLinks = nil
		tpl.Components = emptyIfNil(tpl.Components)
		out = renderTemplate(t.addTemplate(tpl))
	})
	if !ok {
		panic("wassisttest: SeedTemplate: unknown API key")
	}
	return out
}

// EditTemplate changes a template behind the client's back, as a dashboard user or Meta
// would (drift). edit gets the template as the API serves it. Changes to id and createdAt
// are ignored and updatedAt becomes now. A change of components or category resubmits every
// account link, as a save in the dashboard would; otherwise the status, qualityScore and
// rejectionReason edited on a link are kept (Meta pausing the template, its quality
// dropping). Links are neither added nor removed here (publish through the API,
// RemoveTemplateLink). Nothing is validated. It reports whether the template exists.
func (s *Server) EditTemplate(key, id string, edit func(*Template)) bool {
	found := false
	s.withTenant(key, func(t *tenant) {
		now := s.clock.Now()
		t.settleReviews(now, s.reviewDelay())
		rec := t.templateByID[id]
		if rec == nil {
			return
		}
		tpl := renderTemplate(rec)
		edit(&tpl)
		tpl.ID, tpl.CreatedAt = rec.tpl.ID, rec.tpl.CreatedAt
		for _, edited := range tpl.AccountLinks {
			if l := rec.linkFor(edited.AccountID); l != nil {
				l.link.Status, l.link.QualityScore, l.link.RejectionReason = edited.Status, edited.QualityScore, edited.RejectionReason
			}
		}
		t.replaceTemplate(rec, cloneJSON(tpl), now)
		found = true
	})
	return found
}

// RemoveTemplateLink unpublishes a template from one account behind the client's back, as a
// user deleting it in Meta's WhatsApp Manager would. It reports whether the template was on
// the account.
func (s *Server) RemoveTemplateLink(key, id, accountID string) bool {
	removed := false
	s.withTenant(key, func(t *tenant) {
		if rec := t.templateByID[id]; rec != nil {
			removed = rec.unlink(accountID)
		}
	})
	return removed
}
