#include "server/gateway/generic_call.h"

#include <chrono>
#include <vector>

#include "grpcpp/support/byte_buffer.h"

namespace passerelle::gateway {
namespace {

// Every step waits for its own completion before the next starts, so one tag suffices.
void* const kTag = reinterpret_cast<void*>(1);

}  // namespace

GenericCall::GenericCall(grpc::GenericStub& stub, const std::string& rpc, const std::string& authorization,
                         const std::string& acting_person, double deadline_seconds) {
  if (!authorization.empty()) context_.AddMetadata("authorization", authorization);
  if (!acting_person.empty()) context_.AddMetadata("x-passerelle-acting-person", acting_person);
  if (deadline_seconds > 0) {
    context_.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::duration_cast<std::chrono::system_clock::duration>(
                              std::chrono::duration<double>(deadline_seconds)));
  }
  stream_ = stub.PrepareCall(&context_, "/" + rpc, &queue_);
  stream_->StartCall(kTag);
  started_ = Wait();
}

GenericCall::~GenericCall() {
  if (!finished_) {
    context_.TryCancel();
    Finish();
  }
  queue_.Shutdown();
  void* tag;
  bool ok;
  while (queue_.Next(&tag, &ok)) {
  }
}

bool GenericCall::Wait(const std::function<bool()>& keep_waiting) {
  void* tag = nullptr;
  bool ok = false;
  for (;;) {
    const auto until = std::chrono::system_clock::now() + std::chrono::seconds(1);
    switch (queue_.AsyncNext(&tag, &ok, until)) {
      case grpc::CompletionQueue::GOT_EVENT:
        return ok;
      case grpc::CompletionQueue::SHUTDOWN:
        return false;
      case grpc::CompletionQueue::TIMEOUT:
        // The call still ends through its tag: cancelling only makes it come back sooner.
        if (keep_waiting && !keep_waiting()) context_.TryCancel();
        break;
    }
  }
}

bool GenericCall::Write(const std::string& bytes) {
  if (!started_) return false;
  grpc::Slice slice(bytes.data(), bytes.size());
  grpc::ByteBuffer buffer(&slice, 1);
  stream_->Write(buffer, kTag);
  return Wait();
}

bool GenericCall::WritesDone() {
  if (!started_) return false;
  stream_->WritesDone(kTag);
  return Wait();
}

bool GenericCall::Read(std::string& bytes, const std::function<bool()>& keep_waiting) {
  if (!started_) return false;
  grpc::ByteBuffer buffer;
  stream_->Read(&buffer, kTag);
  if (!Wait(keep_waiting)) return false;
  std::vector<grpc::Slice> slices;
  bytes.clear();
  if (!buffer.Dump(&slices).ok()) return false;
  for (const grpc::Slice& slice : slices) bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  return true;
}

grpc::Status GenericCall::Finish() {
  grpc::Status status;
  finished_ = true;
  stream_->Finish(&status, kTag);
  Wait();
  return status;
}

}  // namespace passerelle::gateway
