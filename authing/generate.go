package authing

//go:generate go run ./internal/gen -out .
