package runbooks

import (
	"crypto/sha256"
	"encoding/binary"
	"sync"
)

// A thousand-client build starts two thousand children, and each loads the
// same runbook version to focus it on its client: parsing and validating
// 145 KB of YAML took 44 ms each time, 88 s of the orchestrator's CPU for
// one answer. The catalog keeps the last few runbooks it parsed, by the
// digest of what it parsed, so a run's children parse their version once.
//
// A kept runbook is shared by every load of it: Load hands out views
// (Focus) and copies (Override) but never changes one, and nothing else
// sees it, since a workflow receives its runbook encoded.

// memoSize is how many parsed runbooks the orchestrator keeps: the
// versions its running builds work on, each a few MB parsed.
const memoSize = 4

// memo is the parsed runbooks, the latest last.
var memo struct {
	sync.Mutex
	keys [][sha256.Size]byte
	rbs  []*Runbook
}

// memoKey names a parse by its inputs: the source name, which its errors
// and its runbook's fields quote, the YAML and the overrides.
func memoKey(source string, data, overrides []byte) [sha256.Size]byte {
	h := sha256.New()
	for _, part := range [][]byte{[]byte(source), data, overrides} {
		// Each part after its length, so no two splits hash alike.
		h.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(part))))
		h.Write(part)
	}
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// parsed returns the runbook that parse gives for the key, parsing it only
// when it is not kept. A runbook that does not parse is not kept: its
// error is what the next load reports too.
func parsed(key [sha256.Size]byte, parse func() (*Runbook, error)) (*Runbook, error) {
	memo.Lock()
	for i, k := range memo.keys {
		if k == key {
			rb := memo.rbs[i]
			memo.Unlock()
			return rb, nil
		}
	}
	memo.Unlock()
	rb, err := parse()
	if err != nil {
		return nil, err
	}
	memo.Lock()
	defer memo.Unlock()
	if len(memo.keys) == memoSize {
		memo.keys, memo.rbs = memo.keys[1:], memo.rbs[1:]
	}
	memo.keys = append(memo.keys, key)
	memo.rbs = append(memo.rbs, rb)
	return rb, nil
}
