package cli

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// KeyEnv holds the API key when no --api-key-file is given.
const KeyEnv = "WASSIST_API_KEY"

// URLEnv overrides the API's base URL (a simulator, a staging API).
const URLEnv = "WASSIST_API_URL"

// apiFlags say how to reach the API: the key's file (never the key itself: a flag's value
// shows in the shell's history and the process list), the base URL and the budget.
type apiFlags struct {
	keyFile   string
	baseURL   string
	perMinute int
}

func (f *apiFlags) bind(fs *pflag.FlagSet) {
	fs.StringVar(&f.keyFile, "api-key-file", "", "file holding the API key (default: the "+KeyEnv+" environment variable)")
	fs.StringVar(&f.baseURL, "api-url", cmp.Or(os.Getenv(URLEnv), wassist.DefaultBaseURL),
		"base URL of the Wassist API (or "+URLEnv+")")
	fs.IntVar(&f.perMinute, "rate-limit", wassist.DefaultRequestsPerMinute,
		"requests per minute at most: the key's budget, which a running operator shares")
}

// client returns a client of the key that waits for its budget rather than failing.
func (f *apiFlags) client() (*wassist.Client, error) {
	key, err := f.key()
	if err != nil {
		return nil, err
	}
	return wassist.New(key, wassist.Options{
		BaseURL: f.baseURL,
		MaxWait: time.Minute,
		Budget:  wassist.NewBudget(max(f.perMinute, 1), 1, nil),
	})
}

// key reads the API key; its value is never printed, not even in an error.
func (f *apiFlags) key() (string, error) {
	if f.keyFile != "" {
		data, err := os.ReadFile(f.keyFile)
		if err != nil {
			return "", fmt.Errorf("reading the API key file: %w", errors.Unwrap(err))
		}
		if key := strings.TrimSpace(string(data)); key != "" {
			return key, nil
		}
		return "", fmt.Errorf("the API key file %s is empty", f.keyFile)
	}
	if key := strings.TrimSpace(os.Getenv(KeyEnv)); key != "" {
		return key, nil
	}
	return "", errors.New("no API key: give --api-key-file or set " + KeyEnv)
}
