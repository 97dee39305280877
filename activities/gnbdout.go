package activities

import (
	"fmt"
	"strconv"
	"strings"
)

// GNBDExport is one block of `gnbd_export -l`.
type GNBDExport struct {
	Name    string `json:"name"`
	File    string `json:"file"`
	Sectors int64  `json:"sectors"`
	UID     string `json:"uid"`
}

// GNBDImport is one block of `gnbd_import -l`.
type GNBDImport struct {
	Name    string `json:"name"`
	Minor   int    `json:"minor"`
	Server  string `json:"server"`
	State   string `json:"state"`
	Sectors int64  `json:"sectors"`
}

// Connected reports whether the import talks to its server.
func (i GNBDImport) Connected() bool { return strings.Contains(i.State, " Connected") }

// keyValueBlocks splits the "key : value" blocks of the gnbd tools. A block
// starts at its header key (Server[N] or Device name).
func keyValueBlocks(text, header string) []map[string]string {
	var blocks []map[string]string
	for _, line := range strings.Split(text, "\n") {
		key, val, ok := strings.Cut(line, " : ")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if strings.HasPrefix(key, header) {
			blocks = append(blocks, map[string]string{})
		}
		if len(blocks) > 0 {
			blocks[len(blocks)-1][key] = val
		}
	}
	return blocks
}

// ParseGNBDExports reads `gnbd_export -l`.
func ParseGNBDExports(text string) ([]GNBDExport, error) {
	var out []GNBDExport
	for _, b := range keyValueBlocks(text, "Server[") {
		var name string
		for k, v := range b {
			if strings.HasPrefix(k, "Server[") {
				name = v
			}
		}
		sectors, err := strconv.ParseInt(b["sectors"], 10, 64)
		if err != nil || name == "" || b["file"] == "" {
			return nil, fmt.Errorf("gnbd_export -l: malformed block %v", b)
		}
		out = append(out, GNBDExport{Name: name, File: b["file"], Sectors: sectors, UID: b["uid"]})
	}
	return out, nil
}

// ParseGNBDImports reads `gnbd_import -l`.
func ParseGNBDImports(text string) ([]GNBDImport, error) {
	var out []GNBDImport
	for _, b := range keyValueBlocks(text, "Device name") {
		minor, err1 := strconv.Atoi(b["Minor #"])
		sectors, err2 := strconv.ParseInt(b["Sectors"], 10, 64)
		if err1 != nil || err2 != nil || b["Device name"] == "" || b["Server"] == "" {
			return nil, fmt.Errorf("gnbd_import -l: malformed block %v", b)
		}
		out = append(out, GNBDImport{Name: b["Device name"], Minor: minor, Server: b["Server"], State: b["State"], Sectors: sectors})
	}
	return out, nil
}
