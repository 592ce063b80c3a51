/**
 * Ping and pong: the smallest request/response protocol on the transport, used as its liveness
 * probe, its latency floor ({@code perf/}'s echo benchmark) and its system tests.
 * {@link io.droplet.transport.echo.EchoResponder} answers pings; {@link io.droplet.transport.echo.EchoRequester}
 * sends them with correlation ids and deadlines and reports each outcome once to an
 * {@link io.droplet.transport.echo.EchoListener}. Both speak the protocol through
 * {@link io.droplet.transport.echo.EchoAdapter} (decodes, calls a {@link io.droplet.transport.echo.PingPongListener})
 * and {@link io.droplet.transport.echo.EchoPublisher} (encodes in place).
 */
package io.droplet.transport.echo;
