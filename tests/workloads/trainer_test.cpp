// The training loop: it learns (a tiny model memorizes a tiny text), it is deterministic
// for a seed and thread count, a run resumed from its checkpoint ends where an
// uninterrupted one does, and a checkpoint made with other options is refused by name.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <stdexcept>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/train_model.hpp"
#include "stratbench/workloads/llm/trainer.hpp"

namespace sb::llm::train {
namespace {

TrainOptions tiny_options() {
  TrainOptions o;
  o.cfg.name = "micro";
  o.cfg.dim = 32, o.cfg.n_layers = 2, o.cfg.n_heads = 4, o.cfg.n_kv_heads = 2, o.cfg.hidden_dim = 64;
  o.cfg.vocab_size = 19, o.cfg.max_seq_len = 32, o.cfg.tied_embeddings = true;
  o.batch = 4, o.seq = 16, o.warmup = 10, o.lr = 1e-2, o.min_lr = 1e-3;
  o.tokens = 300ull * o.batch * o.seq;
  o.eval_every = 100, o.eval_windows = 8;
  return o;
}

// A text of period 13 over 19 tokens: after one period every next token is determined.
std::vector<std::uint32_t> periodic_text(std::size_t n) {
  std::mt19937_64 rng(4);
  std::vector<std::uint32_t> period(13);
  for (auto& t : period) t = static_cast<std::uint32_t>(rng() % 19);
  std::vector<std::uint32_t> ids(n);
  for (std::size_t i = 0; i < n; ++i) ids[i] = period[i % period.size()];
  return ids;
}

TEST(Trainer, ATinyModelMemorizesATinyText) {
  const TrainOptions o = tiny_options();
  const TokenSplit d = split_tokens(periodic_text(90000));
  ASSERT_FALSE(d.heldout.empty());
  TrainState s = fresh_state(o);
  train(o, d, s, nullptr);
  ASSERT_EQ(s.curve.size(), 300u);
  EXPECT_GT(s.curve.front().train_loss, 2.0);  // about log(19) = 2.94 at the start
  // Positions before one whole period cannot be predicted: the floor is not 0, but near.
  EXPECT_LT(s.curve.back().heldout_loss, 0.25);
  EXPECT_LT(s.curve.back().heldout_loss, unigram_loss(d.train, d.heldout, 19) / 5);
}

TEST(Trainer, AStudentLearnsFromItsTeachersSoftTargets) {
  TrainOptions o = tiny_options();
  const TokenSplit d = split_tokens(periodic_text(90000));
  TrainState t = fresh_state(o);
  train(o, d, t, nullptr);
  auto teacher = std::make_shared<Teacher>();
  teacher->cfg = o.cfg;
  teacher->params = t.params;
  TrainOptions s = o;
  s.cfg.n_layers = 1, s.cfg.hidden_dim = 32;
  s.teacher = teacher;
  TrainState student = fresh_state(s);
  train(s, d, student, nullptr);
  EXPECT_LT(student.curve.back().heldout_loss, unigram_loss(d.train, d.heldout, 19) / 5);
  TrainOptions plain = s;
  plain.teacher = nullptr;
  TrainState scratch = fresh_state(plain);
  train(plain, d, scratch, nullptr);
  EXPECT_NE(student.params, scratch.params);  // the soft targets were used
  // A checkpoint of one kind does not resume the other.
  const auto dir = std::filesystem::temp_directory_path() / ("sb_distill_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  s.checkpoint = (dir / "s.ckpt").string();
  save_checkpoint(s.checkpoint, s, student);
  EXPECT_NO_THROW(load_checkpoint(s.checkpoint, s));
  EXPECT_THROW(load_checkpoint(s.checkpoint, plain), InputError);
  std::filesystem::remove_all(dir);
}

TEST(Trainer, SameSeedAndThreadsGiveTheSameBits) {
  TrainOptions o = tiny_options();
  o.tokens = 12ull * o.batch * o.seq;
  const TokenSplit d = split_tokens(periodic_text(90000));
  for (int threads : {1, 2}) {
    o.threads = threads;
    TrainState a = fresh_state(o), b = fresh_state(o);
    train(o, d, a, nullptr);
    train(o, d, b, nullptr);
    EXPECT_EQ(a.params, b.params) << threads << " threads";
  }
  o.seed = 2;
  TrainState c = fresh_state(o), e = fresh_state(tiny_options());
  train(o, d, c, nullptr);
  EXPECT_NE(c.params, e.params);
}

TEST(Trainer, AResumedRunEndsWhereAnUninterruptedOneDoes) {
  TrainOptions o = tiny_options();
  o.tokens = 20ull * o.batch * o.seq;
  o.threads = 2;
  const TokenSplit d = split_tokens(periodic_text(90000));
  TrainState whole = fresh_state(o);
  train(o, d, whole, nullptr);

  const auto dir = std::filesystem::temp_directory_path() / ("sb_ckpt_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  o.checkpoint = (dir / "run.ckpt").string();
  o.checkpoint_every = 5;
  TrainState first = fresh_state(o);
  struct Killed {};
  EXPECT_THROW(train(o, d, first,
                     [](const CurvePoint& p) {
                       if (p.step == 12) throw Killed{};
                     }),
               Killed);
  TrainState resumed = load_checkpoint(o.checkpoint, o);
  EXPECT_EQ(resumed.step, 10);
  EXPECT_EQ(resumed.curve.size(), 10u);
  train(o, d, resumed, nullptr);
  EXPECT_EQ(resumed.params, whole.params);
  EXPECT_EQ(resumed.m, whole.m);
  ASSERT_EQ(resumed.curve.size(), whole.curve.size());
  EXPECT_EQ(resumed.curve.back().train_loss, whole.curve.back().train_loss);

  TrainOptions other = o;
  other.lr *= 2;
  try {
    load_checkpoint(o.checkpoint, other);
    ADD_FAILURE() << "a checkpoint of other options was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("lr"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("run.ckpt"), std::string::npos) << e.what();
  }
  std::filesystem::resize_file(o.checkpoint, std::filesystem::file_size(o.checkpoint) - 4);
  EXPECT_THROW(load_checkpoint(o.checkpoint, o), InputError);
  std::filesystem::remove_all(dir);
}

TEST(Trainer, TooLittleHeldOutTextIsRefusedBeforeTheFirstStep) {
  const TrainOptions o = tiny_options();
  TokenSplit d = split_tokens(periodic_text(90000));
  d.heldout.resize(static_cast<std::size_t>(o.seq));
  TrainState s = fresh_state(o);
  EXPECT_THROW(train(o, d, s, nullptr), InputError);
  EXPECT_EQ(s.step, 0);
}

TEST(Trainer, LearningRateWarmsUpThenDecaysToItsFloor) {
  TrainOptions o;
  o.lr = 1.0, o.min_lr = 0.1, o.warmup = 10;
  EXPECT_DOUBLE_EQ(learning_rate(o, 0, 110), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate(o, 9, 110), 1.0);
  EXPECT_DOUBLE_EQ(learning_rate(o, 10, 110), 1.0);
  EXPECT_NEAR(learning_rate(o, 60, 110), 0.55, 1e-12);  // half-way down the cosine
  EXPECT_NEAR(learning_rate(o, 110, 110), 0.1, 1e-12);
}

TEST(Trainer, EveryTwentiethChunkIsHeldOut) {
  std::vector<std::uint32_t> ids(4096 * 41 + 7);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::uint32_t>(i / 4096);
  const TokenSplit d = split_tokens(ids);
  ASSERT_EQ(d.heldout.size(), 2u * 4096);
  EXPECT_EQ(d.heldout.front(), 19u);
  EXPECT_EQ(d.heldout.back(), 39u);
  EXPECT_EQ(d.train.size() + d.heldout.size(), ids.size());
}

TEST(Trainer, TextSplitHoldsOutEveryTwentiethChunkAtLineBreaks) {
  for (std::size_t size : {std::size_t{300} * 1024, std::size_t{14} << 20}) {
    std::string corpus;
    for (int line = 0; corpus.size() < size; ++line) corpus += "line " + std::to_string(line) + "\n";
    const TextSplit d = split_text(corpus);
    EXPECT_EQ(d.train.size() + d.heldout.size(), corpus.size());
    ASSERT_FALSE(d.heldout.empty()) << size;
    EXPECT_EQ(d.heldout.back(), '\n');
    EXPECT_EQ(d.heldout.substr(0, 5), "line ");  // starts at a line
    EXPECT_NEAR(static_cast<double>(d.heldout.size()) / static_cast<double>(corpus.size()), 0.05, 0.004) << size;
    EXPECT_NE(corpus.find(d.heldout.substr(0, 100)), std::string::npos);
  }
  EXPECT_EQ(split_text("no newline at all").train, "no newline at all");
}

}  // namespace
}  // namespace sb::llm::train
