# GGUF tests: reader checks on corrupt files, tokenizers from GGUF vocab
# files, GGUF models against the same models as safetensors.
