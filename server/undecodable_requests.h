// Requests gRPC could not decode. protobuf refuses a proto3 `string` holding invalid UTF-8 and any
// truncated or malformed encoding; gRPC 1.51 then answers INTERNAL with an empty message (synchronous
// handlers: GenericDeserialize returns InitializationErrorString(), "" in proto3) or UNIMPLEMENTED (callback
// handlers: UnimplementedUnaryReactor), without calling the handler, so the service never sees the call.
// And protobuf writes "[libprotobuf ERROR ...] String field 'passerelle.v1.Candidate.id' contains invalid
// UTF-8 data ..." to stderr, a line that is not JSON.
//
// Chosen fix (docs/api.md "Undecodable requests"): a server interceptor sees the failure (gRPC hands it a
// null message at POST_RECV_MESSAGE) and turns the answer into INVALID_ARGUMENT, naming the field that
// protobuf's log message names, and writes the call's JSON log line; protobuf's and gRPC's own log output
// goes through LogEvent (one JSON object per line). Considered and not taken: a SerializationTraits
// specialisation per message (must precede every use in the generated code) and raw ByteBuffer handlers
// for every rpc (all handlers rewritten); the import streams, which must go on after a bad item, do read
// bytes (server/import_stream.h).
//
// Thread-safety: thread-safe.
#ifndef PASSERELLE_SERVER_UNDECODABLE_REQUESTS_H_
#define PASSERELLE_SERVER_UNDECODABLE_REQUESTS_H_

#include <memory>
#include <string>

#include "grpcpp/support/server_interceptor.h"

namespace passerelle::server {

// Sends protobuf's and gRPC's log output to LogEvent ({"event":"protobuf"|"grpc", "severity", "message"}).
// Process-wide; idempotent.
void RouteLibraryLogsToJson();

// The field protobuf last named on this thread as holding invalid UTF-8 ("passerelle.v1.Candidate.id"),
// then forgets it; "" when none. Needs RouteLibraryLogsToJson().
std::string TakeInvalidUtf8Field();

// Makes the interceptor above for the calls of passerelle.* services.
class UndecodableRequestInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_UNDECODABLE_REQUESTS_H_
