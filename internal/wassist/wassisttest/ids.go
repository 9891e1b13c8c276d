package wassisttest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"regexp"
)

// keyIDLength is long enough to tell a handful of test keys apart and short enough that
// the key cannot be recovered from logs.
const keyIDLength = 12

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// KeyID is how the simulator names an API key in its request log and admin surface: a short
// sha256 prefix, so logs and /_sim/ answers never carry the key itself.
func KeyID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])[:keyIDLength]
}

// newUUID returns a random (version 4) UUID, the shape of every Wassist id.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newMetaID returns a 15-digit numeric id like the ones Meta assigns to WABAs and numbers.
func newMetaID() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(9e14))
	return fmt.Sprintf("%d", n.Int64()+1e14)
}

// newToken returns a short random string for the opaque part of link URLs.
func newToken() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newRequestID returns the id of one answer, in the "req_" form the SDK's examples show.
func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "req_" + hex.EncodeToString(b[:])
}

func isUUID(s string) bool {
	return uuidPattern.MatchString(s)
}
