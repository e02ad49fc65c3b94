// The /v1/ handler: route, key check, request from JSON, the call, the answer as JSON (or JSON Lines
// for server-streaming rpcs). One code path for every rpc.
#ifndef PASSERELLE_SERVER_GATEWAY_API_HANDLER_H_
#define PASSERELLE_SERVER_GATEWAY_API_HANDLER_H_

#include <atomic>
#include <cstddef>

#include "grpcpp/generic/generic_stub.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace passerelle::gateway {

struct ApiLimits {
  // Largest body, and for client-streaming rpcs. Default: 1 MiB, 16 MiB
  size_t max_body_bytes = 1u << 20;
  size_t max_import_body_bytes = 16u << 20;
  // Deadline of each call, in seconds; 0 = none. Default: 0
  double call_deadline_seconds = 0;
  // Set on shutdown: open streams (WatchMatches never ends by itself) are cancelled within a second.
  // Default: nullptr (never)
  const std::atomic<bool>* stopping = nullptr;
};

// Makes sure the API's generated descriptors are linked in (the handler finds rpcs by name).
void LinkApiDescriptors();

// Serves one /v1/ request and writes its log line (method, route template, status, latency).
void HandleApi(grpc::GenericStub& stub, const ApiLimits& limits, const httplib::Request& request,
               httplib::Response& response);

}  // namespace passerelle::gateway

#endif  // PASSERELLE_SERVER_GATEWAY_API_HANDLER_H_
