package main

import (
	"fmt"
	"html"
	"math"
	"os"
	"strconv"
	"strings"
)

// The plot: one panel per N, stacked, each with its own axes, since the curves of 100 and
// 1000 agents on one y axis would leave the smaller one flat on the floor.
const (
	plotWidth   = 760
	panelHeight = 300
	marginLeft  = 70
	marginRight = 30
	marginTop   = 45
	marginBot   = 55
)

// writeSVG draws Ready agents over time for each N, against the ideal line (2N requests at
// the budget's rate), as a standalone SVG without any library.
func writeSVG(path string, results []result, rate int) error {
	var b strings.Builder
	height := panelHeight * len(results)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" `+
		`font-family="sans-serif" font-size="12">`+"\n", plotWidth, height, plotWidth, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", plotWidth, height)
	for i, r := range results {
		drawPanel(&b, r, rate, float64(i*panelHeight))
	}
	b.WriteString("</svg>\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// panel maps data coordinates (seconds, agents) to the pixels of one panel.
type panel struct {
	x0, y0, w, h float64 // plot area, top-left corner and size
	xmax, ymax   float64
}

func (p panel) px(t float64) float64 { return p.x0 + t/p.xmax*p.w }
func (p panel) py(v float64) float64 { return p.y0 + p.h - v/p.ymax*p.h }

func drawPanel(b *strings.Builder, r result, rate int, top float64) {
	p := panel{
		x0: marginLeft, y0: top + marginTop,
		w: plotWidth - marginLeft - marginRight, h: panelHeight - marginTop - marginBot,
		xmax: niceCeil(math.Max(r.ConvergeS, r.IdealS) * 1.05), ymax: float64(r.N),
	}
	title := fmt.Sprintf("N = %d agents at %d requests/min: all Ready in %.1f s, ideal %.1f s (%.2f×)",
		r.N, rate, r.ConvergeS, r.IdealS, r.Ratio)
	fmt.Fprintf(b, `<text x="%d" y="%.0f" font-size="14" font-weight="bold">%s</text>`+"\n",
		marginLeft, top+25, html.EscapeString(title))
	drawAxes(b, p, "seconds since the first create", "agents Ready")
	// The ideal: the agents become Ready at the budget's pace, then stay.
	fmt.Fprintf(b, `<polyline fill="none" stroke="#888" stroke-width="1.5" stroke-dasharray="6 4" points="%s"/>`+"\n",
		points(p, []sample{{0, 0}, {r.IdealS, r.N}, {p.xmax, r.N}}))
	fmt.Fprintf(b, `<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="%s"/>`+"\n", points(p, r.Series))
	drawLegend(b, p)
}

func drawAxes(b *strings.Builder, p panel, xTitle, yTitle string) {
	fmt.Fprintf(b, `<g stroke="#ccc" stroke-width="1">`+"\n")
	xs, ys := ticks(p.xmax), ticks(p.ymax)
	for _, t := range xs {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`+"\n", p.px(t), p.y0, p.px(t), p.y0+p.h)
	}
	for _, v := range ys {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`+"\n", p.x0, p.py(v), p.x0+p.w, p.py(v))
	}
	b.WriteString("</g>\n")
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#333"/>`+"\n", p.x0, p.y0, p.w, p.h)
	for _, t := range xs {
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", p.px(t), p.y0+p.h+16, label(t))
	}
	for _, v := range ys {
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", p.x0-6, p.py(v)+4, label(v))
	}
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", p.x0+p.w/2, p.y0+p.h+38, html.EscapeString(xTitle))
	fmt.Fprintf(b, `<text transform="translate(%.1f %.1f) rotate(-90)" text-anchor="middle">%s</text>`+"\n",
		p.x0-48, p.y0+p.h/2, html.EscapeString(yTitle))
}

// drawLegend sits bottom right, where the curves (rising from the left) leave room.
func drawLegend(b *strings.Builder, p panel) {
	x, y := p.x0+p.w-230, p.y0+p.h-52
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="220" height="42" fill="white" stroke="#999"/>`+"\n", x, y)
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#1f77b4" stroke-width="2"/>`+"\n", x+8, y+14, x+38, y+14)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f">measured (Ready=True)</text>`+"\n", x+46, y+18)
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#888" stroke-width="1.5" stroke-dasharray="6 4"/>`+"\n",
		x+8, y+31, x+38, y+31)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f">ideal: 2N requests at the rate</text>`+"\n", x+46, y+35)
}

func points(p panel, series []sample) string {
	parts := make([]string, 0, len(series))
	for _, s := range series {
		parts = append(parts, fmt.Sprintf("%.1f,%.1f", p.px(math.Min(s.T, p.xmax)), p.py(float64(s.Ready))))
	}
	return strings.Join(parts, " ")
}

// ticks are round values from 0 to max, about six of them.
func ticks(maxV float64) []float64 {
	step := niceStep(maxV / 6)
	var out []float64
	for v := 0.0; v <= maxV+step/1e6; v += step {
		out = append(out, v)
	}
	return out
}

// niceStep rounds up to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			return m * mag
		}
	}
	return 10 * mag
}

// niceCeil rounds up to a multiple of a nice step, so the x axis ends on a tick.
func niceCeil(v float64) float64 {
	step := niceStep(v / 6)
	return math.Ceil(v/step) * step
}

func label(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
