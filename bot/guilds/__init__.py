"""guilds"""
