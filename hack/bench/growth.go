package main

import (
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"
)

// idle is what N idle agents cost per sync period in the steady state: the bulk drift
// check's requests, its list and comparison, and the manager's CPU.
type idle struct {
	// Pages are the check's list requests in the window (one per 100 agents and pass).
	Pages int `json:"list_pages"`
	// ListPageMS is the time to list one page, the key's budget waits included;
	// BudgetWaitMS is the waits alone, over the whole window.
	ListPageMS   float64 `json:"list_page_ms"`
	BudgetWaitMS float64 `json:"budget_wait_ms"`
	// ComparePageMS is the time to compare one page's agents (100) with their resources.
	ComparePageMS float64 `json:"compare_page_ms"`
	// CPUPerPeriodS is the CPU the manager (and the floor) used per sync period.
	CPUPerPeriodS      float64 `json:"manager_cpu_s_per_period"`
	FloorCPUPerPeriodS float64 `json:"floor_cpu_s_per_period"`
}

// idleOf reads the window's figures: metrics and usage at its start and end, and its
// requests, over periods sync periods.
func idleOf(m0, m1 metricSeries, u0, u1 both, pages int, periods float64) idle {
	const name = "wassist_drift_check_duration_seconds"
	delta := func(series string, parts ...string) float64 {
		return m1.sum(series, parts...) - m0.sum(series, parts...)
	}
	perPage := func(seconds float64) float64 { return round(1000*seconds/float64(max(pages, 1)), 2) }
	return idle{
		Pages:              pages,
		ListPageMS:         perPage(delta(name+"_sum", `step="list"`)),
		BudgetWaitMS:       round(1000*delta("wassist_ratelimiter_wait_seconds_sum"), 1),
		ComparePageMS:      perPage(delta(name+"_sum", `step="compare"`)),
		CPUPerPeriodS:      round((u1.manager.cpuS-u0.manager.cpuS)/periods, 2),
		FloorCPUPerPeriodS: round((u1.floor.cpuS-u0.floor.cpuS)/periods, 2),
	}
}

// growthPoint is one N of the growth curve, beside the N before it.
type growthPoint struct {
	N          int     `json:"n"`
	RSSMB      float64 `json:"rss_mb"`
	FloorRSSMB float64 `json:"floor_rss_mb"`
	RSSRatio   float64 `json:"rss_ratio"`
	// RSSPer1000MB is RSS per 1,000 agents; MarginalPer1000MB is what each 1,000 agents
	// more than the previous N added (the slope of the curve), for the manager and the
	// floor. The first point has no slope.
	RSSPer1000MB           float64 `json:"rss_mb_per_1000"`
	MarginalPer1000MB      float64 `json:"rss_marginal_mb_per_1000,omitempty"`
	FloorMarginalPer1000MB float64 `json:"floor_rss_marginal_mb_per_1000,omitempty"`
	// ConvergeCPUPer1000S is the manager's CPU from the first create to the end of the
	// steady state, per 1,000 agents; IdleCPUPer1000S its CPU per idle sync period.
	ConvergeCPUPer1000S float64 `json:"cpu_s_per_1000_converge_and_steady"`
	IdleCPUPer1000S     float64 `json:"idle_cpu_s_per_1000_per_period"`
	IdleRequests        float64 `json:"idle_requests_per_period"`
	ListPageMS          float64 `json:"list_page_ms"`
	ComparePageMS       float64 `json:"compare_page_ms"`
}

// growthOf is the curve over the runs, by N.
func growthOf(results []result) []growthPoint {
	sorted := slices.SortedFunc(slices.Values(results), func(a, b result) int { return a.N - b.N })
	out := make([]growthPoint, 0, len(sorted))
	for i, r := range sorted {
		per1000 := 1000 / float64(r.N)
		g := growthPoint{
			N: r.N, RSSMB: r.RSSMB, FloorRSSMB: r.FloorRSSMB, RSSRatio: r.RSSRatio,
			RSSPer1000MB:        round(r.RSSMB*per1000, 2),
			ConvergeCPUPer1000S: round(r.CPUS*per1000, 2),
			IdleCPUPer1000S:     round(r.Idle.CPUPerPeriodS*per1000, 3),
			IdleRequests:        r.SteadyPerSync,
			ListPageMS:          r.Idle.ListPageMS,
			ComparePageMS:       r.Idle.ComparePageMS,
		}
		if i > 0 {
			prev := sorted[i-1]
			more := 1000 / float64(r.N-prev.N)
			g.MarginalPer1000MB = round((r.RSSMB-prev.RSSMB)*more, 2)
			g.FloorMarginalPer1000MB = round((r.FloorRSSMB-prev.FloorRSSMB)*more, 2)
		}
		out = append(out, g)
	}
	return out
}

func printGrowthTable(w io.Writer, points []growthPoint) {
	tw := newTable(w)
	fmt.Fprintln(tw, "N\tRSS MB\tfloor MB\tratio\tMB/1000\tslope MB/1000\tfloor slope\tCPU s/1000\t"+
		"idle CPU s/1000/period\tidle req/period\tlist page ms\tcompare page ms\t")
	for _, g := range points {
		fmt.Fprintf(tw, "%d\t%.1f\t%.1f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.3f\t%.1f\t%.2f\t%.2f\t\n",
			g.N, g.RSSMB, g.FloorRSSMB, g.RSSRatio, g.RSSPer1000MB, g.MarginalPer1000MB, g.FloorMarginalPer1000MB,
			g.ConvergeCPUPer1000S, g.IdleCPUPer1000S, g.IdleRequests, g.ListPageMS, g.ComparePageMS)
	}
	_ = tw.Flush()
}

// writeGrowthSVG draws peak RSS over N for the manager and the floor, with twice the
// floor (the target's bound) dashed.
func writeGrowthSVG(path string, points []growthPoint, at time.Time) error {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" `+
		`font-family="sans-serif" font-size="12">`+"\n", plotWidth, panelHeight+40, plotWidth, panelHeight+40)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", plotWidth, panelHeight+40)
	last := points[len(points)-1]
	p := panel{x0: marginLeft, y0: marginTop, w: plotWidth - marginLeft - marginRight, h: panelHeight - marginTop - marginBot,
		xmax: niceCeil(float64(last.N)), ymax: niceCeil(2 * math.Max(last.FloorRSSMB, last.RSSMB/2) * 1.05)}
	title := fmt.Sprintf("Peak RSS by number of agents (measured %s)", at.Format("2006-01-02"))
	fmt.Fprintf(&b, `<text x="%d" y="25" font-size="14" font-weight="bold">%s</text>`+"\n", marginLeft, html.EscapeString(title))
	drawAxes(&b, p, "agents", "peak RSS, MiB")
	line := func(color, dash string, value func(growthPoint) float64) {
		pts := make([]string, 0, len(points))
		for _, g := range points {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", p.px(float64(g.N)), p.py(value(g))))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" stroke-dasharray="%s" points="%s"/>`+"\n",
			color, dash, strings.Join(pts, " "))
		for _, g := range points {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", p.px(float64(g.N)), p.py(value(g)), color)
		}
	}
	line("#888", "6 4", func(g growthPoint) float64 { return 2 * g.FloorRSSMB })
	line("#2ca02c", "", func(g growthPoint) float64 { return g.FloorRSSMB })
	line("#1f77b4", "", func(g growthPoint) float64 { return g.RSSMB })
	x, y := p.x0+10, p.y0+10
	fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="250" height="58" fill="white" stroke="#999"/>`+"\n", x, y)
	for i, l := range []struct{ color, dash, text string }{
		{"#1f77b4", "", "the manager"},
		{"#2ca02c", "", "floor: bare controller-runtime, same objects"},
		{"#888", "6 4", "twice the floor (the target's bound)"},
	} {
		ly := y + 14 + float64(i)*16
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2" stroke-dasharray="%s"/>`+"\n",
			x+8, ly, x+38, ly, l.color, l.dash)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`+"\n", x+46, ly+4, html.EscapeString(l.text))
	}
	b.WriteString("</svg>\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
