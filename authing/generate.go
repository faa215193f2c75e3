package authing

//go:generate go run ./internal/gen -out . -docs ../docs/operations.md
