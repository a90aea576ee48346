// The paged KV cache: block accounting, and a paged engine computing exactly what the
// contiguous one computes (the same rows in the same order, so equal to the bit).
#include <gtest/gtest.h>

#include <vector>

#include "odd_config.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/llama_engine.hpp"

namespace sb::llm {
namespace {

using test::odd_config;

TEST(KvCache, PagedBlocksAreTakenAsSequencesGrowAndReturnedOnReset) {
  KvCache kv(odd_config(), 3, 40, 4, 6);
  EXPECT_TRUE(kv.paged());
  EXPECT_EQ(kv.free_blocks(), 6);
  EXPECT_EQ(kv.blocks_needed(0, 9), 3);
  EXPECT_TRUE(kv.reserve(0, 9));   // 3 blocks
  EXPECT_TRUE(kv.reserve(0, 12));  // still 3
  EXPECT_EQ(kv.free_blocks(), 3);
  EXPECT_FALSE(kv.reserve(1, 13));  // 4 wanted, 3 free: nothing taken
  EXPECT_EQ(kv.free_blocks(), 3);
  EXPECT_TRUE(kv.table(1).empty());
  EXPECT_FALSE(kv.reserve(1, 41));  // past the capacity
  // Sharing: sequence 1 takes sequence 0's first two blocks; they outlive 0's reset.
  kv.set_len(0, 9);
  kv.share(1, kv.table(0)[0]);
  kv.share(1, kv.table(0)[1]);
  EXPECT_EQ(kv.len(1), 8);
  kv.reset(0);
  EXPECT_EQ(kv.free_blocks(), 4);  // only 0's third block came back
  kv.reset(1);
  EXPECT_EQ(kv.free_blocks(), 6);
}

TEST(KvCache, ContiguousSequencesOwnTheirBlockForGood) {
  KvCache kv(odd_config(), 2, 40);
  EXPECT_FALSE(kv.paged());
  EXPECT_EQ(kv.block_size(), 40);
  EXPECT_TRUE(kv.reserve(1, 40));
  EXPECT_FALSE(kv.reserve(1, 41));
  kv.reset(1);
  EXPECT_EQ(kv.table(1), std::vector<int>{1});
}

// Interleaved prefill of three sequences, then decode steps: every logit equal to the
// contiguous engine's, unfused (two-pass attention) and fused (online), block sizes that
// do and do not divide the lengths.
TEST(KvCache, APagedEngineComputesExactlyWhatAContiguousOneDoes) {
  const ModelConfig c = odd_config();
  const auto prompts = make_prompts(3, 11, c.vocab_size, 21);
  for (const bool fused : {false, true})
    for (const int block : {1, 3, 16}) {
      const LlamaModel m = synthetic_model(c, 7, Precision::fp32, fused);
      EngineOptions o;
      o.fused = fused;
      Engine ref(m, o, 3, c.max_seq_len);
      Engine paged(m, o, KvCache(c, 3, c.max_seq_len, block, 3 * ((20 + block - 1) / block)));
      std::vector<int> toks, seqs;
      for (int i = 0; i < 11; ++i)
        for (int s = 0; s < 3; ++s) toks.push_back(prompts[s][i]), seqs.push_back(s);
      std::vector<float> a(toks.size() * c.vocab_size), b(a.size());
      for (int step = 0; step < 8; ++step) {
        ref.forward(toks.data(), seqs.data(), static_cast<int>(toks.size()), true, a.data());
        paged.forward(toks.data(), seqs.data(), static_cast<int>(toks.size()), true, b.data());
        ASSERT_EQ(a, b) << "fused " << fused << " block " << block << " step " << step;
        toks.assign({argmax(a.data() + (a.size() - 3 * c.vocab_size), c.vocab_size), 5, 6});
        seqs.assign({0, 1, 2});
      }
    }
}

TEST(KvCache, AForwardThePoolCannotHoldIsRefusedAndChangesNothing) {
  const ModelConfig c = odd_config();
  const LlamaModel m = synthetic_model(c, 7, Precision::fp32, false);
  Engine e(m, {}, KvCache(c, 2, c.max_seq_len, 4, 3));
  std::vector<float> logits(2 * c.vocab_size);
  std::vector<int> toks(9, 3), seqs(9, 0);
  e.forward(toks.data(), seqs.data(), 9, false, logits.data());  // 3 blocks
  int tok = 4, seq = 1;
  EXPECT_THROW(e.forward(&tok, &seq, 1, false, logits.data()), InputError);
  EXPECT_EQ(e.cache().len(1), 0);
  EXPECT_EQ(e.cache().len(0), 9);
  seq = 0;
  EXPECT_NO_THROW(e.forward(&tok, &seq, 1, false, logits.data()));  // within 0's third block
  e.reset_seq(0);
  EXPECT_EQ(e.cache().free_blocks(), 3);
}

// A sequence that starts from another's shared prompt blocks and feeds only the rest gets
// the logits of feeding the whole prompt itself.
TEST(KvCache, ASharedPrefixGivesTheLogitsOfTheWholePrompt) {
  const ModelConfig c = odd_config();
  const LlamaModel m = synthetic_model(c, 7, Precision::fp32, false);
  Engine e(m, {}, KvCache(c, 2, c.max_seq_len, 4, 10));
  const auto prompt = make_prompts(1, 14, c.vocab_size, 3)[0];
  std::vector<int> seqs(14, 0);
  std::vector<float> whole(c.vocab_size), tail(c.vocab_size);
  e.forward(prompt.data(), seqs.data(), 14, false, whole.data());
  for (int b = 0; b < 3; ++b) e.cache().share(1, e.cache().table(0)[b]);  // 12 positions
  std::vector<int> seqs1(2, 1);
  e.forward(prompt.data() + 12, seqs1.data(), 2, false, tail.data());
  EXPECT_EQ(whole, tail);
  EXPECT_EQ(e.cache().free_blocks(), 10 - 4 - 1);  // 0 holds 4 blocks, 1 one of its own
}

}  // namespace
}  // namespace sb::llm
