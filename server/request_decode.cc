#include "server/request_decode.h"

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/common/field_status.h"
#include "engine/model/resolve.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "server/undecodable_requests.h"

namespace passerelle::server {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::io::CodedInputStream;
using google::protobuf::internal::WireFormatLite;

constexpr int kMaxDepth = 32;  // deeper than any message of the API

absl::Status Malformed(absl::string_view path, absl::string_view what) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat("the request does not decode: ", what));
  return engine::InvalidFieldError(path, what);
}

// Walks the encoding of `descriptor`'s message in `in`, which ends at its limit. OK when nothing is wrong.
absl::Status Walk(const Descriptor& descriptor, CodedInputStream& in, const std::string& path, int depth) {
  if (depth > kMaxDepth) return Malformed(path, "nested too deep");
  std::map<int, int> occurrences;  // field number -> index of the next element, for repeated paths
  while (true) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) {
      if (in.ConsumedEntireMessage() || in.BytesUntilLimit() == 0) return absl::OkStatus();
      return Malformed(path, "truncated or malformed encoding (bad field tag)");
    }
    const FieldDescriptor* field = descriptor.FindFieldByNumber(static_cast<int>(WireFormatLite::GetTagFieldNumber(tag)));
    const auto wire_type = WireFormatLite::GetTagWireType(tag);
    std::string field_path;
    if (field != nullptr) {
      field_path = path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
      if (field->is_repeated()) absl::StrAppend(&field_path, "[", occurrences[field->number()]++, "]");
    }
    const bool nested = field != nullptr && wire_type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED &&
                        (field->type() == FieldDescriptor::TYPE_STRING || field->type() == FieldDescriptor::TYPE_MESSAGE);
    if (!nested) {
      if (!WireFormatLite::SkipField(&in, tag)) {
        return Malformed(field != nullptr ? field_path : path, "truncated or malformed encoding");
      }
      continue;
    }
    uint32_t length = 0;
    if (!in.ReadVarint32(&length) || static_cast<int64_t>(length) > in.BytesUntilLimit()) {
      return Malformed(field_path, "truncated encoding (the value is longer than what was sent)");
    }
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      std::string value;
      if (!in.ReadString(&value, static_cast<int>(length))) return Malformed(field_path, "truncated encoding");
      if (!engine::IsValidUtf8(value)) {
        return Malformed(field_path, "not valid UTF-8 (a proto3 string; send text as UTF-8, ids as ASCII)");
      }
      continue;
    }
    const CodedInputStream::Limit limit = in.PushLimit(static_cast<int>(length));
    absl::Status inner = Walk(*field->message_type(), in, field_path, depth + 1);
    if (!inner.ok()) return inner;
    in.PopLimit(limit);
  }
}

}  // namespace

absl::Status DiagnoseUndecodable(const Descriptor& descriptor, absl::string_view bytes) {
  CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
  in.SetRecursionLimit(kMaxDepth + 8);
  absl::Status status = Walk(descriptor, in, "", 0);
  if (!status.ok()) return status;
  return absl::InvalidArgumentError(
      absl::StrCat("the request does not decode as ", descriptor.full_name(), " (malformed encoding)"));
}

absl::Status ParseRequest(const grpc::ByteBuffer& buffer, google::protobuf::Message* message) {
  message->Clear();
  // An uncompressed item usually arrives in one slice: parsed where it lies, without a copy.
  grpc::Slice single;
  std::string copy;
  absl::string_view view;
  if (buffer.TrySingleSlice(&single).ok()) {
    view = absl::string_view(reinterpret_cast<const char*>(single.begin()), single.size());
  } else {
    std::vector<grpc::Slice> slices;
    if (!buffer.Dump(&slices).ok()) return absl::InvalidArgumentError("the request does not decode (unreadable message)");
    copy.reserve(buffer.Length());
    for (const grpc::Slice& slice : slices) copy.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    view = copy;
  }
  const bool parsed = message->ParseFromArray(view.data(), static_cast<int>(view.size()));
  TakeInvalidUtf8Field();  // what protobuf logged is diagnosed below, not by a later call on this thread
  if (parsed) return absl::OkStatus();
  message->Clear();
  return DiagnoseUndecodable(*message->GetDescriptor(), view);
}

}  // namespace passerelle::server
