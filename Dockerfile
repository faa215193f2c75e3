# syntax=docker/dockerfile:1
# Build a static authingops binary and run it as a non-root user on distroless.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/authingops ./cmd/authingops

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/authingops /usr/local/bin/authingops
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/authingops"]
CMD ["--help"]
