using Verify = Memory.Analyzers.Tests.Verification.AnalyzerVerifier<Memory.Analyzers.Rules.StaticBusConnectionAnalyzer>;

namespace Memory.Analyzers.Tests.Rules;

public sealed class StaticBusConnectionTests
{
    private const string Buses = """
        using System;
        using Memory;

        [EventBus]
        public class TickBus
        {
            public static bool Connect(object handler) => true;
            public static void Disconnect(object handler) { }
            public abstract class Handler
            {
                public void BusConnect() { }
                public void BusDisconnect() { }
            }
        }

        [EventBus]
        public abstract class TickHandler
        {
            public void BusConnect() { }
        }

        [EventBus(ConnectMethods = new[] { "Subscribe" })]
        public interface IInputBus
        {
            void Subscribe();
            void Connect();
        }

        public static class BusExtensions
        {
            public static void Attach(this IInputBus bus) { }
        }

        public class Plain
        {
            public static bool Connect(object handler) => true;
        }
        """;

    [Fact]
    public Task Reports_connections_from_static_initialisation() => Verify.VerifyAsync(
    [
        """
        using System;

        class Renderer : TickHandler, IInputBus
        {
            static readonly bool Connected = [|TickBus.Connect(new object())|];
            static bool Registered { get; } = [|TickBus.Connect(new object())|];
            static readonly Renderer Instance = new();

            static Renderer()
            {
                [|Instance.BusConnect()|];
                [|Instance.Subscribe()|];
                [|AppDomain.CurrentDomain.ProcessExit += OnExit|];
            }

            public void Subscribe() { }
            public void Connect() { }
            static void OnExit(object? sender, EventArgs e) { }
        }
        """,
        Buses,
    ]);

    [Fact]
    public Task Accepts_connections_outside_static_initialisation_and_non_connect_calls() => Verify.VerifyAsync(
    [
        """
        using System;

        class Renderer : TickHandler, IInputBus
        {
            static readonly bool Plain = global::Plain.Connect(new object());
            static readonly Action Later = () => TickBus.Connect(new object());

            static Renderer()
            {
                TickBus.Disconnect(new object());
                AppDomain.CurrentDomain.ProcessExit -= OnExit;
                Action deferred = () => TickBus.Connect(new object());
                void Local() => TickBus.Connect(new object());
            }

            public Renderer()
            {
                BusConnect();
                Subscribe();
                AppDomain.CurrentDomain.ProcessExit += OnExit;
            }

            public void Subscribe() { }
            public void Connect() { }
            static void OnExit(object? sender, EventArgs e) { }
            static readonly bool NotAConnection = Activate();
            static bool Activate() { new Renderer().Connect(); return true; }
        }
        """,
        Buses,
    ]);

    [Fact]
    public Task Bus_types_and_connect_methods_come_from_the_options() => Verify.VerifyAsync(
    [
        """
        namespace Legacy
        {
            public class MessageHub { public static void Connect(object o) { } public static void Join(object o) { } public static void Leave(object o) { } }
        }

        class Renderer : IInputBus
        {
            static Renderer()
            {
                [|Legacy.MessageHub.Connect(new object())|];
                [|Legacy.MessageHub.Join(new object())|];
                Legacy.MessageHub.Leave(new object());
                [|new Renderer().Attach()|];
            }

            public void Subscribe() { }
            public void Connect() { }
        }
        """,
        Buses,
    ], """
        memory_analyzers.mem0004.bus_types = Legacy.MessageHub
        memory_analyzers.mem0004.connect_methods = Join, Attach
        """);
}
