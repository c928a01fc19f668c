# tests/cosim/slices.mk - slices of real traces, with their real data, as
# co-simulation stimuli (issue: RTL against the C model on real workloads).
#
# A slice is a few consecutive ops of a shipped trace, cut by op name, run
# through `stasim run --mode functional --dump`: the .npy tensors it writes
# (operands, accumulators, outputs, gate logits and choices) are what the
# harnesses' --npy options feed to the RTL and the C model. Every tensor has
# already been checked against stasim's own references, so a harness that
# replays it compares three descriptions of the same op.
#
#   make cosim-slices    both slices, into $(COSIM_BUILD)/slices/NAME/
#
# vit-b16-attn: layer 0 attention of ViT-B/16 (LayerNorm, QKV, Q.K^T,
#               softmax, A.V, projection), 197 tokens, 12 heads, 2:4 weights
# m3vit-moe:    layer 1 MoE block of M3ViT-Tiny (LayerNorm, the task router,
#               16 experts top-2), 129 tokens

SLICE_DIR    := $(COSIM_BUILD)/slices
SLICE_CONFIG := configs/sta-default.ini

# $(call cosim_slice,NAME,TRACE,OPS-REGEX)
define cosim_slice
$(SLICE_DIR)/$(1)/done: $(BUILD)/stasim $(2) $(SLICE_CONFIG) tests/cosim/slices.mk
	@rm -rf $(SLICE_DIR)/$(1) && mkdir -p $(SLICE_DIR)/$(1)
	zcat $(2) | grep -E '^(stasim-trace|#)|name=($(3)) ' > $(SLICE_DIR)/$(1)/slice.trace
	$(BUILD)/stasim run -c $(SLICE_CONFIG) -t $(SLICE_DIR)/$(1)/slice.trace \
	  --mode functional --dump $(SLICE_DIR)/$(1) > $(SLICE_DIR)/$(1)/report.txt
	@touch $$@
endef

$(eval $(call cosim_slice,vit-b16-attn,traces/vit-b16-2of4.trace.gz,l0\.(ln1|qkv|qk|sm|av|proj)))
$(eval $(call cosim_slice,m3vit-moe,traces/m3vit-tiny-2of4.trace.gz,l1\.(ln2|gate|moe)))

.PHONY: cosim-slices
cosim-slices: $(SLICE_DIR)/vit-b16-attn/done $(SLICE_DIR)/m3vit-moe/done
