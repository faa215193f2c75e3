# syntax=docker/dockerfile:1
# A static authingops binary on distroless, run as non-root. Run it with a
# read-only root filesystem and a volume for the SQLite audit log:
#   docker build --build-arg COMMIT=$(git rev-parse HEAD) -t authingops .
#   docker run --read-only -v authingops-data:/data -p 8080:8080 \
#     -e AUTHING_ACCESS_KEY_ID -e AUTHING_ACCESS_KEY_SECRET -e AUTHINGOPS_SECRET_KEY \
#     -v $PWD/policies:/policies:ro -e AUTHINGOPS_POLICIES=/policies authingops
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG COMMIT=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.commit=${COMMIT}" -o /out/authingops ./cmd/authingops

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/authingops /usr/local/bin/authingops
USER nonroot:nonroot
WORKDIR /data
VOLUME ["/data"]
ENV AUTHINGOPS_AUDIT_DSN=/data/authingops.db \
    AUTHINGOPS_ADDR=0.0.0.0:8080 \
    AUTHINGOPS_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/authingops"]
CMD ["serve"]
