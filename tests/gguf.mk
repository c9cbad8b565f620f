# GGUF tests: reader checks on corrupt files, tokenizers from GGUF vocab
# files, GGUF models against the same models as safetensors.
TESTS += tests/gguf-stories.sh
EXTRA_DIST += tests/gguf-stories.sh
EXTRA_DIST += tests/data/models/stories260K/stories260K-f32.gguf
