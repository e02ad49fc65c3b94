// One call of any rpc, by its full name, with serialized messages (grpc::GenericStub over a completion
// queue of its own, each step waited for): unary, client-, server- and bidi-streaming calls alike.
//
// Thread-safety: one thread drives a call; Cancel() may come from another.
#ifndef PASSERELLE_SERVER_GATEWAY_GENERIC_CALL_H_
#define PASSERELLE_SERVER_GATEWAY_GENERIC_CALL_H_

#include <functional>
#include <memory>
#include <string>

#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/status.h"

namespace passerelle::gateway {

class GenericCall {
 public:
  // `rpc` as "passerelle.v1.Matching/GetCandidate"; `authorization` and `acting_person` ("" = none) are
  // forwarded as the metadata "authorization" and "x-passerelle-acting-person"; deadline_seconds 0 = none.
  GenericCall(grpc::GenericStub& stub, const std::string& rpc, const std::string& authorization,
              const std::string& acting_person = "", double deadline_seconds = 0);
  ~GenericCall();
  GenericCall(const GenericCall&) = delete;
  GenericCall& operator=(const GenericCall&) = delete;

  // Each returns false once the call is over (then Finish() tells why).
  bool Write(const std::string& bytes);
  bool WritesDone();
  // While it waits, `keep_waiting` is asked about once a second; false cancels the call.
  bool Read(std::string& bytes, const std::function<bool()>& keep_waiting = nullptr);
  // The call's status; once, after the reads and writes.
  grpc::Status Finish();
  // Ends the call early (the HTTP client went away).
  void Cancel() { context_.TryCancel(); }

 private:
  bool Wait(const std::function<bool()>& keep_waiting = nullptr);

  grpc::CompletionQueue queue_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> stream_;
  bool started_ = false;
  bool finished_ = false;
};

}  // namespace passerelle::gateway

#endif  // PASSERELLE_SERVER_GATEWAY_GENERIC_CALL_H_
