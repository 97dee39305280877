package plan

import (
	"strconv"
	"strings"
)

// context is how many unchanged lines a hunk shows around a change, as
// diff -u does.
const context = 3

// Diff is a unified diff of two texts, as `diff -u` prints it (without
// timestamps), "" when they are equal. Config files are a few hundred
// lines, so the longest common subsequence is worked out in full.
func Diff(oldName, newName, a, b string) string {
	if a == b {
		return ""
	}
	x, y := lines(a), lines(b)
	// lcs[i][j] is the longest common subsequence of x[i:] and y[j:].
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type edit struct {
		op   byte // ' ', '-', '+'
		text string
		i, j int // line numbers before the edit, 0-based
	}
	var edits []edit
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			edits = append(edits, edit{' ', x[i], i, j})
			i, j = i+1, j+1
		case i < len(x) && (j == len(y) || lcs[i+1][j] >= lcs[i][j+1]):
			// Lines go before lines come, as diff -u prints them.
			edits = append(edits, edit{'-', x[i], i, j})
			i++
		default:
			edits = append(edits, edit{'+', y[j], i, j})
			j++
		}
	}
	var out strings.Builder
	out.WriteString("--- " + oldName + "\n+++ " + newName + "\n")
	for k := 0; k < len(edits); {
		if edits[k].op == ' ' {
			k++
			continue
		}
		// A hunk: context before, changes joined while the unchanged
		// run between them is short, context after.
		start := max(0, k-context)
		end := k
		for end < len(edits) {
			if edits[end].op != ' ' {
				end++
				continue
			}
			run := end
			for run < len(edits) && edits[run].op == ' ' {
				run++
			}
			if run == len(edits) || run-end > 2*context {
				end = min(len(edits), end+context)
				break
			}
			end = run
		}
		oldLines, newLines := 0, 0
		for _, e := range edits[start:end] {
			if e.op != '+' {
				oldLines++
			}
			if e.op != '-' {
				newLines++
			}
		}
		out.WriteString("@@ -" + span(edits[start].i, oldLines) + " +" + span(edits[start].j, newLines) + " @@\n")
		for _, e := range edits[start:end] {
			out.WriteString(string(e.op) + e.text + "\n")
		}
		k = end
	}
	return out.String()
}

// span is a hunk's range: its first line (1-based) and its length,
// the line before it when the range is empty.
func span(first, n int) string {
	if n == 0 {
		return strconv.Itoa(first) + ",0"
	}
	if n == 1 {
		return strconv.Itoa(first + 1)
	}
	return strconv.Itoa(first+1) + "," + strconv.Itoa(n)
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
