package authingtest

import (
	"context"
	"fmt"
	"time"
)

// StartDemo starts a sandbox on 127.0.0.1:0 with the demo seed and the demo
// credentials, for commands run with --sandbox. The server stops when ctx is
// done; Close stops it earlier.
func StartDemo(ctx context.Context) (*Server, Credentials, error) {
	s, err := NewServer(Options{Seed: SeedDemo})
	if err != nil {
		return nil, Credentials{}, fmt.Errorf("authingtest: start demo sandbox: %w", err)
	}
	go func() {
		select {
		case <-ctx.Done():
			shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := s.Shutdown(shut); err != nil {
				_ = s.Close()
			}
		case <-s.done:
		}
	}()
	return s, s.Credentials(), nil
}
