// Clock: the time source behind every timestamp, timeout and grace period, so tests can
// move time by hand (FakeClock) instead of sleeping.
//
// SystemClock is the real one. Both are thread-safe.
#ifndef SWFVAULT_CLOCK_H_
#define SWFVAULT_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace swfvault {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time as microseconds since the Unix epoch (for timestamps, file ages).
  virtual int64_t NowUnixMicros() = 0;
  // Monotonic time in microseconds from an arbitrary origin (for durations, deadlines).
  virtual int64_t MonotonicMicros() = 0;
  // Blocks for `micros` (a fake clock advances instead).
  virtual void SleepForMicros(int64_t micros) = 0;

  int64_t NowUnixSeconds() { return NowUnixMicros() / 1'000'000; }
};

class SystemClock : public Clock {
 public:
  int64_t NowUnixMicros() override;
  int64_t MonotonicMicros() override;
  void SleepForMicros(int64_t micros) override;
};

// Starts at `start_unix_micros` and only moves when told (or when asked to sleep).
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t start_unix_micros = 1'780'000'000'000'000)
      : now_(start_unix_micros) {}
  int64_t NowUnixMicros() override { return now_.load(); }
  int64_t MonotonicMicros() override { return now_.load(); }
  void SleepForMicros(int64_t micros) override { Advance(micros); }
  void Advance(int64_t micros) { now_.fetch_add(micros); }
  void AdvanceSeconds(int64_t seconds) { Advance(seconds * 1'000'000); }
  void SetUnixMicros(int64_t micros) { now_.store(micros); }

 private:
  std::atomic<int64_t> now_;
};

// "2026-06-04T10:45:01.933Z" (UTC, milliseconds), for catalog timestamps.
std::string FormatUtcMillis(int64_t unix_micros);

}  // namespace swfvault

#endif  // SWFVAULT_CLOCK_H_
