// The items of a client stream, read as bytes and decoded by the server, so that every item is accounted
// for. gRPC 1.51's typed ServerReader::Read() returns false both at the end of the stream and when an
// item fails to deserialize (CallOpRecvMessage sets got_message = false and the call carries no error),
// so a handler reading typed messages takes an undecodable item for the end of the stream and answers
// OK with the rest unread. Reading grpc::ByteBuffer (MatchingService registers the import methods with a
// ByteBuffer handler) never fails to deserialize: an item that does not parse is reported with its reason
// (request_decode.h) and the stream goes on.
//
// Rule for every import rpc (docs/api.md "Imports"): each item sent is stored, or rejected with a reason,
// or the call fails with a status that says how many items were received and stored; never OK with items
// missing.
//
// Thread-safety: one stream per handler thread.
#ifndef PASSERELLE_SERVER_IMPORT_STREAM_H_
#define PASSERELLE_SERVER_IMPORT_STREAM_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/sync_stream.h"
#include "server/request_decode.h"

namespace passerelle::server {

template <class Item>
class ImportStream {
 public:
  // `on_item` (may be empty) runs each time an item arrives (the idle timer's touch).
  explicit ImportStream(grpc::ServerReader<grpc::ByteBuffer>* reader, std::function<void()> on_item = nullptr)
      : reader_(reader), on_item_(std::move(on_item)) {}

  // False once the client has half-closed the stream or the call has ended (then check the context).
  // Otherwise one more item: *item holds it when *undecodable is OK, else *undecodable says why its bytes
  // do not decode (InvalidArgument naming the field where one is to blame).
  bool Next(Item* item, absl::Status* undecodable) {
    grpc::ByteBuffer buffer;
    if (!reader_->Read(&buffer)) return false;
    ++received_;
    if (on_item_) on_item_();
    *undecodable = ParseRequest(buffer, item);
    return true;
  }
  int64_t received() const { return received_; }

 private:
  grpc::ServerReader<grpc::ByteBuffer>* const reader_;
  const std::function<void()> on_item_;
  int64_t received_ = 0;
};

// `status` of an import that failed part-way, saying how far it went: the client's reports are lost with
// the call, so it learns here what to send again.
inline absl::Status ImportFailed(const absl::Status& status, int64_t received, int64_t stored) {
  absl::Status out(status.code(), absl::StrCat(status.message(), " (import stopped after ", received,
                                               " items received, ", stored,
                                               " of them stored; check or send again the rest)"));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_IMPORT_STREAM_H_
