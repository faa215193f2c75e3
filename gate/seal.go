package gate

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// sealer encrypts the unredacted call kept with a pending approval, so that
// arguments such as passwords are not readable at rest in the audit store.
type sealer struct {
	aead cipher.AEAD
}

// errUnseal means a payload was sealed with another key or altered.
var errUnseal = errors.New("the pending call cannot be opened: it was sealed with another secret key or altered")

func newSealer(key []byte) *sealer {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("authingops approval payload v1"))
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		panic(fmt.Sprintf("gate: aes: %v", err)) // a 32-byte key cannot fail
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(fmt.Sprintf("gate: gcm: %v", err))
	}
	return &sealer{aead: aead}
}

// seal encrypts plain, binding it to the approval id.
func (s *sealer) seal(id string, plain []byte) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.aead.Seal(nonce, nonce, plain, []byte(id)), nil
}

// open decrypts a sealed payload of approval id.
func (s *sealer) open(id string, sealed []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, errUnseal
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(id))
	if err != nil {
		return nil, errUnseal
	}
	return plain, nil
}
