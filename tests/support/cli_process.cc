#include "support/cli_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace swfvault::testing {
namespace {

std::vector<char*> Argv(const std::vector<std::string>& args, std::vector<std::string>* storage) {
  storage->clear();
  storage->push_back(SWFVAULT_CLI_BIN);
  storage->insert(storage->end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : *storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  return argv;
}

pid_t Spawn(const std::vector<std::string>& args, const std::string& out_path,
            const std::string& err_path) {
  std::vector<std::string> storage;
  std::vector<char*> argv = Argv(args, &storage);
  pid_t pid = fork();
  if (pid == 0) {
    int in = open("/dev/null", O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

}  // namespace

std::vector<nlohmann::json> CliResult::Events() const {
  std::vector<nlohmann::json> events;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object()) events.push_back(std::move(j));
  }
  return events;
}

nlohmann::json CliResult::FirstEvent(const std::string& type) const {
  for (nlohmann::json& e : Events()) {
    if (e.value("type", "") == type) return std::move(e);
  }
  return nullptr;
}

nlohmann::json CliResult::Summary() const {
  nlohmann::json last;
  for (nlohmann::json& e : Events()) {
    if (e.value("type", "") == "summary") last = std::move(e);
  }
  return last;
}

CliResult RunCli(const std::vector<std::string>& args) {
  char dir[] = "/tmp/swfvault-cli-XXXXXX";
  if (mkdtemp(dir) == nullptr) {
    ADD_FAILURE() << "mkdtemp";
    return {};
  }
  std::string out = std::string(dir) + "/out", err = std::string(dir) + "/err";
  pid_t pid = Spawn(args, out, err);
  int status = 0;
  waitpid(pid, &status, 0);
  CliResult result{DecodeStatus(status), Slurp(out), Slurp(err)};
  unlink(out.c_str());
  unlink(err.c_str());
  rmdir(dir);
  return result;
}

CliChild::CliChild(const std::vector<std::string>& args, const std::string& log_dir) {
  pid_ = Spawn(args, log_dir + "/child.out", log_dir + "/child.err");
}

CliChild::~CliChild() {
  if (Running()) {
    kill(pid_, SIGKILL);
    Wait();
  }
}

void CliChild::Kill(int signal) {
  if (!reaped_) kill(pid_, signal);
}

int CliChild::Wait() {
  if (!reaped_) {
    int status = 0;
    waitpid(pid_, &status, 0);
    status_code_ = DecodeStatus(status);
    reaped_ = true;
  }
  return status_code_;
}

bool CliChild::Running() {
  if (reaped_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_code_ = DecodeStatus(status);
    reaped_ = true;
    return false;
  }
  return true;
}

}  // namespace swfvault::testing
