#include "kafka/kafka_kraft.h"

#include "net/tcp.h"

namespace streamprobe::kafka {

ControllerProbe::ControllerProbe(std::string controller, std::shared_ptr<ControllerClient> client)
    : controller_(std::move(controller)), client_(std::move(client)) {
  SplitHostPort(controller_, &host_, &port_);  // validated when the config was read
}

ControllerResult ControllerProbe::RunRound(Deadline deadline) {
  ControllerResult result;
  result.controller = controller_;
  auto described = client_->Describe(host_, port_, deadline);
  if (!described.ok()) {
    result.status = described.status;  // the history stays: see last_high_watermark_
    return result;
  }
  const QuorumDescription& q = described.value;
  if (q.error_code == kNotLeaderOrFollower) {
    last_high_watermark_.reset();  // a later leadership starts its own history
    return result;
  }
  if (q.error_code != 0) {
    result.status = Status::Fail(Reason::kNotServing,
                                 "DescribeQuorum answered Kafka error code " + std::to_string(q.error_code));
    return result;
  }
  const Clock::time_point now = Clock::now();
  if (!last_high_watermark_ || *last_high_watermark_ != q.high_watermark) {
    last_high_watermark_ = q.high_watermark;
    last_advance_ = now;
  }
  result.leader = true;
  result.quorum = q;
  result.commit_age_seconds = std::chrono::duration<double>(now - last_advance_).count();
  return result;
}

ProbeOutcome ControllerProbe::Run(const ProbeContext& ctx) {
  auto result = std::make_shared<ControllerResult>(RunRound(ctx.deadline));
  ProbeOutcome outcome;
  outcome.status = result->status;
  RenderController(*result, outcome.metrics);
  outcome.state = std::move(result);
  return outcome;
}

}  // namespace streamprobe::kafka
