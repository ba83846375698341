# Exports OpenCLIP models to Glimpse bundles (float16/float32 ONNX with a dynamic batch axis); see README.md.
