# Build: docker build -t bpoeval .
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/bpoeval ./cmd/bpoeval

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/bpoeval /usr/local/bin/bpoeval
EXPOSE 8080
ENV BPOEVAL_ADDR=0.0.0.0:8080 BPOEVAL_LOG_FORMAT=json
ENTRYPOINT ["/usr/local/bin/bpoeval"]
CMD ["serve"]
