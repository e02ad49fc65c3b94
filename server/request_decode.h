// Decoding of request bytes the server parses itself (import streams), and the diagnosis of bytes that
// do not parse: which field holds invalid UTF-8 (protobuf refuses it in a proto3 `string`) or where the
// encoding is cut or malformed. protobuf's own parser only says "failed", and gRPC then answers INTERNAL
// with an empty message; this names the field instead, for INVALID_ARGUMENT.
//
//   DiagnoseUndecodable(*v1::ImportCandidatesRequest::descriptor(), bytes)
//     -> INVALID_ARGUMENT "candidate.id: not valid UTF-8 (a proto3 string; send text as UTF-8)"
//
// Thread-safety: stateless functions.
#ifndef PASSERELLE_SERVER_REQUEST_DECODE_H_
#define PASSERELLE_SERVER_REQUEST_DECODE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/byte_buffer.h"

namespace passerelle::server {

// Why `bytes` are not a valid encoding of `descriptor`'s message: InvalidArgument with the path of the
// offending field ("candidate.past_occupations[1].rome_code") when one is to blame, else one that says
// the encoding is truncated or malformed. Also InvalidArgument (no field) when the bytes parse after all.
absl::Status DiagnoseUndecodable(const google::protobuf::Descriptor& descriptor, absl::string_view bytes);

// Parses `buffer` into `message` (cleared first); on failure the DiagnoseUndecodable status.
absl::Status ParseRequest(const grpc::ByteBuffer& buffer, google::protobuf::Message* message);

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_REQUEST_DECODE_H_
