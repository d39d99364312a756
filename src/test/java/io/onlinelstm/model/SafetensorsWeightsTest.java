package io.onlinelstm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights in and out of safetensors: a file written outside Java (src/test/resources/safetensors/
 * make_fixture.py, from the format's specification) reads as its formula says and forecasts by the
 * LSTM equations; Java's own export reads back bit for bit; every wrong tensor is named.
 */
class SafetensorsWeightsTest {

    /** The fixture's network (see make_fixture.py). */
    static final LstmConfig FIXTURE = LstmConfig.builder().features(2).hiddenSize(3).layers(2).horizon(2).build();
    /** Tensor names in the order make_fixture.py numbers them (t in its formula). */
    private static final List<String> FIXTURE_ORDER = List.of(
            "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0",
            "lstm.weight_ih_l1", "lstm.weight_hh_l1", "lstm.bias_ih_l1", "lstm.bias_hh_l1",
            "head.weight", "head.bias");

    static byte[] fixtureBytes() throws IOException {
        try (InputStream in = SafetensorsWeightsTest.class.getResourceAsStream("/safetensors/fixture.safetensors")) {
            return in.readAllBytes();
        }
    }

    /** make_fixture.py's formula. */
    private static float formula(String tensor, int index) {
        int t = FIXTURE_ORDER.indexOf(tensor);
        return (float) (((7 * index + 3 * t) % 23 - 11) / 32.0);
    }

    @Test
    void theFixtureWrittenInPythonReadsAsItsFormulaSays() throws IOException {
        SafetensorsFile file = SafetensorsFile.parse(fixtureBytes());
        assertEquals("3", file.metadata().get(SafetensorsWeights.KEY_HIDDEN_SIZE));
        assertEquals("delta", file.metadata().get(SafetensorsWeights.KEY_TARGET));
        ModelWeights weights = SafetensorsWeights.decode(file, FIXTURE);

        // Row-major: weight_ih_l0[row 4, col 1] is flat index 9; the data lies in name order in the file.
        assertEquals(formula("lstm.weight_ih_l0", 9), weights.tensor("lstm.weight_ih_l0")[9]);
        assertEquals(-11 / 32f, weights.tensor("lstm.weight_ih_l0")[0], "t 0, i 0: (0 - 11) / 32");
        assertEquals(formula("lstm.weight_hh_l1", 35), weights.tensor("lstm.weight_hh_l1")[35]);
        assertEquals(formula("lstm.bias_hh_l0", 11), weights.tensor("lstm.bias_hh_l0")[11]);
        assertEquals(formula("head.weight", 5), weights.tensor("head.weight")[5]);
        assertEquals(formula("head.bias", 1), weights.tensor("head.bias")[1]);
        for (String name : FIXTURE_ORDER) {
            float[] values = weights.tensor(name);
            for (int i = 0; i < values.length; i++) {
                assertEquals(formula(name, i), values[i], name + "[" + i + "]");
            }
        }
    }

    @Test
    void theCommittedFixtureIsWhatItsScriptWrites(@TempDir Path dir) throws Exception {
        // Only where Python is installed: the build and the other tests never need it.
        Path script = Path.of("src/test/resources/safetensors/make_fixture.py");
        Process probe;
        try {
            probe = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("no python3 on this machine");
            return;
        }
        Assumptions.assumeTrue(probe.waitFor() == 0, "no working python3 on this machine");
        Path out = dir.resolve("fixture.safetensors");
        Process run = new ProcessBuilder("python3", script.toString(), out.toString()).redirectErrorStream(true).start();
        String printed = new String(run.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, run.waitFor(), printed);
        assertArrayEquals(fixtureBytes(), Files.readAllBytes(out),
                "fixture.safetensors differs from what make_fixture.py writes: run the script and commit both");
    }

    @Test
    void theFixtureForecastsByTheLstmEquationsInPyTorchsGateOrder() throws IOException {
        ModelWeights weights = SafetensorsWeights.decode(SafetensorsFile.parse(fixtureBytes()), FIXTURE);
        LstmEquations reference = new LstmEquations(weights);
        double[] refH = new double[FIXTURE.stateSize()];
        double[] refC = new double[FIXTURE.stateSize()];
        try (LstmModel model = LstmModel.create(weights, ComputeDevice.CPU)) {
            float[][] h = new float[1][FIXTURE.stateSize()];
            float[][] c = new float[1][FIXTURE.stateSize()];
            for (int t = 0; t < 5; t++) {
                float[] x = {(float) Math.sin(t), 0.5f - t / 4f};
                LstmModel.StepResult r = model.step(new float[][] {x}, h, c);
                double[] expected = reference.step(new double[] {x[0], x[1]}, refH, refC);
                for (int k = 0; k < FIXTURE.horizon(); k++) {
                    assertEquals(expected[k], r.forecasts()[0][k], 1e-5, "step " + t + " horizon " + k);
                }
                h = r.h();
                c = r.c();
            }
            assertTrue(Math.abs(c[0][0]) > 1e-3, "the state must have moved for the comparison to mean much");
        }
    }

    @Test
    void exportThenImportGivesTheSameWeightsAndDescribesTheModel() {
        LstmConfig config = LstmConfig.builder().features(3).hiddenSize(5).layers(2).horizon(4).build();
        ModelWeights weights = LstmKernelCheck.randomWeights(config, new Random(5));
        byte[] bytes = SafetensorsWeights.encode(weights, "LEVEL", 17);

        SafetensorsFile file = SafetensorsFile.parse(bytes);
        assertTrue(weights.sameValues(SafetensorsWeights.decode(file, config)));
        Map<String, String> meta = file.metadata();
        assertEquals(Map.of("format", "flink-online-lstm", "format_version", "1", "features", "3", "hidden_size", "5",
                "layers", "2", "horizon", "4", "target", "level", "model_version", "17"),
                Map.of("format", meta.get("format"), "format_version", meta.get("format_version"),
                        "features", meta.get("features"), "hidden_size", meta.get("hidden_size"),
                        "layers", meta.get("layers"), "horizon", meta.get("horizon"), "target", meta.get("target"),
                        "model_version", meta.get("model_version")));
        assertTrue(meta.get("output_scale").contains("std_0"), "level outputs are scaled back by the value's std");
        assertArrayEquals(new long[] {20, 3}, file.tensors().get("lstm.weight_ih_l0").shape());
        assertArrayEquals(new long[] {20}, file.tensors().get("lstm.bias_hh_l1").shape());
        assertArrayEquals(new long[] {4, 5}, file.tensors().get("head.weight").shape());
        // As the specification asks of a writer: little-endian header length, the data 8-byte aligned.
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        assertEquals(bytes.length, 8 + n + weights.parameterCount() * 4);
    }

    @Test
    void everyWrongTensorIsNamedWithWhatWasExpected() throws IOException {
        SafetensorsFile fixture = SafetensorsFile.parse(fixtureBytes());

        Map<String, SafetensorsFile.Tensor> wrongShape = new LinkedHashMap<>(fixture.tensors());
        wrongShape.put("lstm.weight_hh_l1", SafetensorsFile.Tensor.f32(new long[] {3, 12}, new float[36]));
        String shape = refused(wrongShape);
        assertTrue(shape.contains("'lstm.weight_hh_l1'") && shape.contains("[3, 12]") && shape.contains("[12, 3]")
                && shape.contains("--model.hidden-size"), shape);

        Map<String, SafetensorsFile.Tensor> missing = new LinkedHashMap<>(fixture.tensors());
        missing.remove("lstm.bias_ih_l1");
        String lacks = refused(missing);
        assertTrue(lacks.contains("lacks tensor 'lstm.bias_ih_l1'") && lacks.contains("[12]"), lacks);

        Map<String, SafetensorsFile.Tensor> extra = new LinkedHashMap<>(fixture.tensors());
        extra.put("lstm.weight_ih_l2", SafetensorsFile.Tensor.f32(new long[] {12, 3}, new float[36]));
        String unexpected = refused(extra);
        assertTrue(unexpected.contains("lstm.weight_ih_l2") && unexpected.contains("does not have"), unexpected);

        Map<String, SafetensorsFile.Tensor> doubles = new LinkedHashMap<>(fixture.tensors());
        doubles.put("head.bias", new SafetensorsFile.Tensor("F64", new long[] {2}, new byte[16]));
        String dtype = refused(doubles);
        assertTrue(dtype.contains("'head.bias'") && dtype.contains("F64") && dtype.contains("F32"), dtype);
    }

    private static String refused(Map<String, SafetensorsFile.Tensor> tensors) {
        // Through bytes, so the writer and the parser are in the loop too.
        byte[] bytes = new SafetensorsFile(tensors, Map.of()).toBytes();
        return assertThrows(IncompatibleModelException.class,
                () -> SafetensorsWeights.decode(SafetensorsFile.parse(bytes), FIXTURE)).getMessage();
    }

    @Test
    void aDamagedContainerIsRefusedAsCorrupt() throws IOException {
        byte[] fixture = fixtureBytes();
        assertTrue(SafetensorsFile.looksLike(fixture));
        assertFalse(SafetensorsFile.looksLike(WeightsCodec.encode(WeightInitializer.initialize(FIXTURE))),
                "the store's weights file is told apart by its first bytes");
        String truncated = assertThrows(CorruptModelException.class,
                () -> SafetensorsFile.parse(Arrays.copyOf(fixture, fixture.length - 4))).getMessage();
        assertTrue(truncated.contains("data_offsets"), truncated);
        byte[] badLength = fixture.clone();
        badLength[7] = 1;
        assertThrows(CorruptModelException.class, () -> SafetensorsFile.parse(badLength));
    }
}
