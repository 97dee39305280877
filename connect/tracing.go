package connect

import (
	"context"
	"fmt"
	"os"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
)

// Tracing sets up OpenTelemetry from the standard environment variables and
// returns the SDK's tracing interceptor, or nil when tracing is off, which
// is the default. OTEL_TRACES_EXPORTER picks the exporter ("otlp" or
// "console"; unset or "none" is off); OTEL_EXPORTER_OTLP_PROTOCOL picks
// grpc or http/protobuf; the exporters read their endpoint, headers and
// OTEL_SERVICE_NAME themselves. One trace then runs from the start request
// through every workflow to each command on each host.
func Tracing(ctx context.Context) (interceptor.Interceptor, func(), error) {
	noop := func() {}
	var exp sdktrace.SpanExporter
	var err error
	switch kind := strings.TrimSpace(os.Getenv("OTEL_TRACES_EXPORTER")); kind {
	case "", "none":
		return nil, noop, nil
	case "console":
		exp, err = stdouttrace.New(stdouttrace.WithWriter(os.Stderr))
	case "otlp":
		if os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL") == "grpc" {
			exp, err = otlptracegrpc.New(ctx)
		} else {
			exp, err = otlptracehttp.New(ctx)
		}
	default:
		return nil, noop, fmt.Errorf("OTEL_TRACES_EXPORTER=%q: want otlp, console or none", kind)
	}
	if err != nil {
		return nil, noop, fmt.Errorf("trace exporter: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	tracer, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{Tracer: tp.Tracer("tetsuzuki")})
	if err != nil {
		return nil, noop, err
	}
	return tracer, func() { _ = tp.Shutdown(context.Background()) }, nil
}
