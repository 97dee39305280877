package drbd

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// SettingsFile holds a lab's settings, one JSON object: <lab>/settings.json.
const SettingsFile = "settings.json"

// SpeedupKey is the setting that makes DRBD resyncs run faster than their
// configured rate, so that a 1 GiB resync at 10M does not take 100 s of a
// test: `lab set --dir D drbd-speedup 100`.
const SpeedupKey = "drbd-speedup"

func settingsPath(lab string) string { return filepath.Join(lab, SettingsFile) }

// Speedup is the lab's resync speed-up factor, 1 when unset.
func Speedup(labDir string) (float64, error) {
	lab, err := filepath.Abs(labDir)
	if err != nil {
		return 0, err
	}
	settings := map[string]json.RawMessage{}
	if err := state.ReadJSON(settingsPath(lab), &settings); err != nil {
		return 0, err
	}
	raw, ok := settings[SpeedupKey]
	if !ok {
		return 1, nil
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || f <= 0 {
		return 0, fmt.Errorf("%s: %s is not a positive number", settingsPath(lab), SpeedupKey)
	}
	return f, nil
}

// SetSpeedup sets the lab's resync speed-up factor (1 is real time, 100
// makes 10M a second as fast as 1000M). Running resyncs keep what they have
// done and go on at the new speed.
func SetSpeedup(labDir string, factor float64) error {
	if !(factor > 0) {
		return fmt.Errorf("drbd speed-up %v: must be a positive number", factor)
	}
	lab, err := filepath.Abs(labDir)
	if err != nil {
		return err
	}
	return setSpeedup(lab, factor, time.Now())
}

func setSpeedup(lab string, factor float64, now time.Time) error {
	return change(lab, now, func(s *State) error {
		settings := map[string]json.RawMessage{}
		if err := state.ReadJSON(settingsPath(lab), &settings); err != nil {
			return err
		}
		settings[SpeedupKey], _ = json.Marshal(factor)
		if err := state.WriteJSON(settingsPath(lab), settings); err != nil {
			return err
		}
		for _, k := range sortedKeys(s.Meta) {
			if m := s.Meta[k]; m.Sync != nil && m.Sync.Running() {
				rate := m.Sync.RateKB
				s.pause(m, now)
				resume(m, now, rate, factor)
			}
		}
		return nil
	})
}
