// passerelle-gateway's HTTP server: the API as JSON over HTTP (routes.h), forwarded to passerelle-server
// over gRPC with the caller's key, the console's static files under /console/, and /healthz.
// docs/api.md "HTTP/JSON gateway".
//
// Thread-safety: Start() and Shutdown() from one thread; requests are served on cpp-httplib's pool.
#ifndef PASSERELLE_SERVER_GATEWAY_GATEWAY_H_
#define PASSERELLE_SERVER_GATEWAY_GATEWAY_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "server/gateway/gateway_options.h"

namespace httplib {
class Server;
}

namespace passerelle::gateway {

class Gateway {
 public:
  // Binds and starts serving; INVALID_ARGUMENT for a bad address or the loopback rule, UNAVAILABLE when
  // the port cannot be bound, FAILED_PRECONDITION for unreadable TLS files.
  static absl::StatusOr<std::unique_ptr<Gateway>> Start(const GatewayOptions& options);
  ~Gateway();

  int port() const { return port_; }
  // Stops accepting, waits for the requests being served. Idempotent.
  void Shutdown();

 private:
  Gateway() = default;
  void ConfigureRoutes();

  GatewayOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
  std::unique_ptr<httplib::Server> http_;
  std::thread listener_;
  std::atomic<bool> stopping_{false};
  int port_ = 0;
};

}  // namespace passerelle::gateway

#endif  // PASSERELLE_SERVER_GATEWAY_GATEWAY_H_
